import type { LocalApiClient, LogEvent, LogStream, LogText } from '../../protocol/local-api';
import { CLIENT_USAGE, createOutput, parseCommand, withAgent, type Output } from '../client-command';
import { UsageError, type CliCommand } from '../cli-command';
import { stripAnsi } from '../style';

const DEFAULT_TAIL_BYTES = 64 * 1024;

export const logsCommand: CliCommand = {
  name: 'logs',
  summary: "a slot's deployment log (the latest, or the last failed one), or its live output with -f",
  usage: `berth-agent logs SLOT [-f] [--failure] [--deployment ID] [--tail BYTES] [--storage DIR] [--json]

  -f, --follow      print the end of the log, then the output as it is written, until Ctrl+C
  --failure         the log of the slot's last failed deployment
  --deployment ID   the log of this deployment
  --tail BYTES      at most this many bytes from the end (default ${DEFAULT_TAIL_BYTES})
${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(
      argv,
      { follow: { type: 'boolean', short: 'f' }, failure: { type: 'boolean' }, deployment: { type: 'string' }, tail: { type: 'string' } },
      { min: 1, max: 1, names: 'SLOT' },
    );
    if (values.follow && values.failure) throw new UsageError('a failed deployment writes no more output: use --failure without -f');
    if (values.failure && values.deployment) throw new UsageError('give --failure or --deployment, not both');
    const tailBytes = values.tail === undefined ? DEFAULT_TAIL_BYTES : Number(values.tail);
    if (!Number.isInteger(tailBytes) || tailBytes <= 0) throw new UsageError(`--tail takes a positive number of bytes, not '${values.tail}'`);
    const out = createOutput(values.json === true);
    const slot = positionals[0]!;
    const read = { slot, deploymentId: values.deployment, which: values.failure ? ('failure' as const) : ('latest' as const), tailBytes };
    return withAgent(values.storage, async (client) => {
      if (!values.follow) {
        printLog(await client.call('logs.read', read), out);
        return 0;
      }
      return follow(client, read, out);
    });
  },
};

/**
 * Prints the end of the log, then follows that deployment from exactly where the read ended (no line
 * twice, none missing). Without --deployment, the slot's other deployments (a new deploy, a restart)
 * are followed too: that stream opens first and holds its output until the tail is printed.
 */
async function follow(client: LocalApiClient, read: { slot: string; deploymentId?: string; tailBytes: number }, out: Output): Promise<number> {
  let held: LogEvent[] | null = [];
  let followed: string | undefined = read.deploymentId;
  const streams: LogStream[] = [];
  const others = (event: LogEvent): void => {
    if (held) held.push(event);
    else if (event.deploymentId !== followed) printChunk(event, out);
  };
  if (read.deploymentId === undefined) streams.push(await client.subscribeLogs({ slot: read.slot }, others));
  const tail = await client.call('logs.read', { ...read, which: 'latest' }).catch(() => null);
  if (tail) {
    printLog(tail, out);
    followed = tail.deploymentId;
  }
  const queued = held;
  held = null;
  for (const event of queued) others(event);
  if (followed !== undefined) {
    const from = tail ? { fromOffset: tail.endOffset } : {};
    streams.push(await client.subscribeLogs({ slot: read.slot, deploymentId: followed, ...from }, (event) => printChunk(event, out)));
  }
  const code = await new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(0));
    client.on('connection', (connected) => {
      if (!connected) {
        out.note('the agent closed the connection');
        resolve(1);
      }
    });
  });
  if (client.connected) await Promise.all(streams.map((stream) => stream.close()));
  return code;
}

function printLog(log: LogText, out: Output): void {
  if (out.json) {
    out.printJson(log);
    return;
  }
  if (log.truncated) out.note(`(deployment ${log.deploymentId}: only the end of its log is shown; --tail BYTES shows more)`);
  const text = forTerminal(log.text, out);
  process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

function printChunk(event: LogEvent, out: Output): void {
  if (out.json) {
    process.stdout.write(`${JSON.stringify(event)}\n`);
    return;
  }
  const { chunk } = event;
  if (chunk.kind === 'gap') out.note(`(${chunk.toOffset - chunk.fromOffset} bytes of output were skipped while this terminal was behind)`);
  else process.stdout.write(forTerminal(chunk.data, out));
}

/** A pipe or a file gets plain lines: no colour codes, no carriage returns from the pseudo-terminal. */
function forTerminal(text: string, out: Output): string {
  return out.style.color ? text : stripAnsi(text).replace(/\r\n/g, '\n').replace(/\r/g, '');
}
