import { join } from 'node:path';
import log from 'electron-log/main';

export interface DesktopLogs {
  folder: string;
  main: typeof log;
  /** The agent process's lines (its stdout and stderr), in a file of their own. */
  agent: ReturnType<typeof log.create>;
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** main.log and agent.log in the OS log folder (app.getPath('logs')); uncaught errors land there too. */
export function setUpLogging(folder: string): DesktopLogs {
  log.transports.file.resolvePathFn = () => join(folder, 'main.log');
  log.transports.file.maxSize = MAX_FILE_BYTES;
  log.errorHandler.startCatching({ showDialog: false });
  const agent = log.create({ logId: 'agent' });
  agent.transports.file.resolvePathFn = () => join(folder, 'agent.log');
  agent.transports.file.maxSize = MAX_FILE_BYTES;
  agent.transports.file.format = '{text}';
  return { folder, main: log, agent };
}

/** Calls `write` with each complete line of a stream, the last one too when the stream ends without a newline. */
export function forEachLine(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) write(line);
  });
  stream.on('end', () => {
    if (partial !== '') write(partial);
    partial = '';
  });
}
