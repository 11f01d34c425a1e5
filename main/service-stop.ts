import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_ID } from '../agent-core/protocol/desktop';

/**
 * How the service's stop command reaches the running service: WinSW cannot send Ctrl+C to a GUI
 * program like Berth.exe, so it starts `Berth.exe --berth-service-stop`, which asks over this pipe.
 * The pipe's default security lets only administrators, LocalSystem and its creator (the service's
 * account, which WinSW's stop command runs as too) write to it.
 */
export function stopPipePath(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `\\\\.\\pipe\\${SERVICE_ID}-stop` : join(tmpdir(), `${SERVICE_ID}-stop.sock`);
}

const STOP = 'stop\n';
const STOPPED = 'stopped\n';

/** The service's side: on `stop`, runs `onStop` (every slot's shutdown commands) and answers once it is done. */
export function listenForStop(path: string, onStop: () => Promise<void>): Promise<Server> {
  let stopping: Promise<void> | null = null;
  const server = createServer((socket) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received !== STOP) {
        if (!STOP.startsWith(received)) socket.destroy();
        return;
      }
      stopping ??= onStop();
      stopping.then(
        () => socket.end(STOPPED),
        () => socket.end(STOPPED),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The stop command's side: asks, and resolves once the service says its slots are stopped. */
export function requestStop(path: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the Berth service did not stop within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(STOP));
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the Berth service to stop it: ${error.message}`));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (answer === STOPPED) resolve();
      else reject(new Error('the Berth service closed the stop request without confirming'));
    });
  });
}
