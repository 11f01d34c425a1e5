import type { AgentEvents } from './events';

const COLORS = { info: '\x1b[0m', warn: '\x1b[33m', error: '\x1b[31m' } as const;

/** Prints what the agent does, one readable line per event: headless mode's stdout, the service's and the desktop agent's log. */
export function printAgentLog(events: AgentEvents, write: (line: string) => void, color: boolean): void {
  const line = (level: keyof typeof COLORS, text: string): void => {
    const time = new Date().toISOString().slice(11, 19);
    write(color ? `${time} ${COLORS[level]}${text}\x1b[0m\n` : `${time} ${level.padEnd(5)} ${text}\n`);
  };
  events.on('log', (event) => line(event.level, event.message));
  events.on('slot.status', (status) =>
    line(status.status === 'error' ? 'error' : 'info', `slot ${status.workspace}/${status.name}: ${status.status}${status.error ? ` (${status.error.split('\n')[0]})` : ''}`),
  );
  events.on('deployment.update', (deployment) =>
    line(deployment.status === 'failed' ? 'error' : 'info', `deployment ${deployment.id}: ${deployment.status}${deployment.error ? ` (${deployment.error.split('\n')[0]})` : ''}`),
  );
  events.on('progress', (progress) => line('info', `  ${progress.step}: ${progress.message}`));
}

/** The same lines, uncoloured and without their line break, for a log that adds its own: the service's and the desktop agent's. */
export function logAgentEvents(events: AgentEvents, log: (line: string) => void): void {
  printAgentLog(events, (line) => log(line.trimEnd()), false);
}

/**
 * Writes to `stream` (the agent's stdout) until the stream fails, then drops what follows. A closed
 * pipe or terminal fails every write; each failure would reach the keep-alive net as an escaped
 * error, whose log line is one more write to the same stream: a loop that kept a core busy for as
 * long as the agent ran. Nothing could read those lines anyway.
 */
export function streamWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let open = true;
  stream.on('error', () => {
    open = false;
  });
  return (text) => {
    if (open) stream.write(text);
  };
}
