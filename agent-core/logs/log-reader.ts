import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { BerthError } from '../protocol';
import { CAP_MARKER_PATTERN } from './log-file';
import { utf8CharacterStart } from './utf8-boundary';

export interface ReadLogOptions {
  /** At most this many bytes from the end of the log. */
  tailBytes?: number;
}

export interface LogText {
  text: string;
  /** The text is not the whole output: the tail was cut or the cap dropped the oldest part. */
  truncated: boolean;
}

/** Reads a deployment's log, or its tail cut at a character boundary. */
export async function readLog(path: string, { tailBytes }: ReadLogOptions = {}): Promise<LogText> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw notAvailable(path, error);
  }
  try {
    const { size } = await handle.stat();
    const length = tailBytes === undefined ? size : Math.min(size, Math.max(0, Math.floor(tailBytes)));
    const bytes = Buffer.alloc(length);
    await handle.read(bytes, 0, length, size - length);
    const start = length < size ? utf8CharacterStart(bytes, 0) : 0;
    const text = bytes.subarray(start).toString('utf8');
    const truncated = length < size || CAP_MARKER_PATTERN.test(text);
    return { text, truncated };
  } finally {
    await handle.close();
  }
}

function notAvailable(path: string, error: unknown): BerthError {
  const deploymentId = basename(path).replace(/\.log$/, '');
  const slotId = basename(dirname(path));
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'it has no log file: the deployment never ran a command, or its log was removed by retention (only the newest deployments and the last failed one keep their logs)'
      : `its log file could not be opened (${code ?? String(error)})`;
  return new BerthError('LOG_NOT_AVAILABLE', `no log for deployment '${deploymentId}' of slot '${slotId}': ${why}`);
}
