import { WebSocket } from 'ws';
import { API_PATH, readLocalApiAccess, type ApiKeyAccess, type LocalApiAccess } from '../local-api';
import { BerthError } from '../protocol';
import type { AgentMode } from '../protocol/desktop';
import { LocalApiClient, openWebSocketTransport, type MessagePortLike } from '../protocol/local-api';
import { handOverApiKey, type HandoverOutcome } from '../service';
import { receiveFromMain, tellMain, type ParentPortLike } from './parent-port';

/**
 * `accessPath` is the folder the service copies its endpoint and token into, which only the
 * installing user (and administrators) can read: `%ProgramData%\Berth\access`.
 */
function openServiceSocket(accessPath: string): WebSocket {
  // Read on every connection: a restarted service listens on a new port with a new token.
  let access: LocalApiAccess;
  try {
    access = readLocalApiAccess(accessPath);
  } catch (error) {
    // A user the service was not installed for cannot even see the files: say what to check.
    const why = error instanceof Error ? error.message : String(error);
    throw new BerthError(
      'NOT_FOUND',
      `${why}. Is the Berth service running ('berth-agent service status'), and was it installed for you? Only that user can read ${accessPath}; an administrator can install it for you with 'berth-agent service install --user DOMAIN\\you'`,
    );
  }
  return new WebSocket(`ws://127.0.0.1:${access.port}${API_PATH}`, {
    headers: { Authorization: `Bearer ${access.token}` },
    handshakeTimeout: 10_000,
  });
}

/** Electron's MessagePortMain hands `{ data, ports }`, Node's port the value itself. */
function portData(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'data' in value && 'ports' in value ? value.data : value;
}

/** Carries one local-API client's frames between its MessagePort and its own WebSocket to the service. */
export function relayPort(port: MessagePortLike, socket: WebSocket): void {
  const waiting: string[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    port.close();
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000, 'the window closed');
  };
  port.on?.('message', (value) => {
    const text = JSON.stringify(portData(value));
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
    else waiting.push(text);
  });
  port.on?.('close', close);
  port.start?.();
  socket.on('open', () => {
    for (const text of waiting.splice(0)) socket.send(text);
  });
  socket.on('message', (data) => {
    if (!closed) port.postMessage(JSON.parse(data.toString()));
  });
  socket.on('close', close);
  socket.on('error', close);
}

/**
 * The desktop app's agent process when the Windows service runs the agent: instead of an agent it
 * hosts a relay, so main and the window keep talking over MessagePorts and never learn the
 * service's token. At start it hands the user's API key to a service that has none.
 */
export async function bridgeToService(
  parent: ParentPortLike,
  options: { accessPath: string; userKeys: Pick<ApiKeyAccess, 'read'>; log?: (line: string) => void; mode?: AgentMode },
): Promise<{ handover: HandoverOutcome; stopped: Promise<void> }> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const client = new LocalApiClient(await openWebSocketTransport(openServiceSocket(options.accessPath)));
  let outcome: HandoverOutcome;
  try {
    outcome = await handOverApiKey(options.userKeys, client);
  } finally {
    client.close();
  }
  if (outcome === 'handed-over') log('handed the API key to the Berth service');
  const relays = new Set<MessagePortLike>();
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  receiveFromMain(
    parent,
    {
      connect: (port) => {
        relays.add(port);
        port.on?.('close', () => relays.delete(port));
        try {
          relayPort(port, openServiceSocket(options.accessPath));
        } catch (error) {
          log(`cannot reach the Berth service: ${(error as Error).message}`);
          port.close();
        }
      },
      // The slots belong to the service: quitting the desktop app leaves them running.
      stop: () => {
        for (const port of relays) port.close();
        tellMain(parent, { type: 'stopped' });
        stop();
      },
    },
    log,
  );
  tellMain(parent, { type: 'ready', mode: options.mode ?? 'service' });
  return { handover: outcome, stopped };
}
