import { describeIssues } from '../protocol';
import { FromAgentProcess, ToAgentProcess } from '../protocol/desktop';
import type { MessagePortLike } from '../protocol/local-api';

/** Electron's `process.parentPort` in a utility process: each message comes as `{ data, ports }`. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: MessagePortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface AgentProcessHandlers {
  connect(port: MessagePortLike): void;
  stop(): void;
}

/** Routes main's messages; a message this version does not know is reported, never acted on. */
export function receiveFromMain(parent: ParentPortLike, handlers: AgentProcessHandlers, warn: (message: string) => void): void {
  parent.on('message', (event) => {
    const message = ToAgentProcess.safeParse(event.data);
    if (!message.success) {
      warn(`ignored a message from the desktop app that this agent cannot read: ${describeIssues(message.error, 'message')}`);
      return;
    }
    if (message.data.type === 'stop') {
      handlers.stop();
      return;
    }
    const [port] = event.ports;
    if (port) handlers.connect(port);
    else warn('the desktop app asked to connect without handing over a port');
  });
}

export function tellMain(parent: ParentPortLike, message: FromAgentProcess): void {
  parent.postMessage(FromAgentProcess.parse(message));
}
