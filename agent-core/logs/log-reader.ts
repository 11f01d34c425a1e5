import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { BerthError } from '../protocol';
import { CAP_MARKER_PATTERN, chooseRange, readKeptStart, sliceLog, type LogRange } from './log-range';

export interface ReadLogOptions {
  /** At most this many bytes from the end of the log. */
  tailBytes?: number;
}

export interface LogText {
  text: string;
  /** The text is not the whole output: the tail was cut or the cap dropped the oldest part. */
  truncated: boolean;
  /** The offset of the first byte of `text` in the deployment's log (counting dropped bytes too). */
  offset: number;
  /** `offset` plus the byte length of `text`: where following the log goes on without a gap or a repeat. */
  endOffset: number;
}

/** The text of a read range, as `slot.logs` and `logs.read` answer it. */
export function logText(range: LogRange): LogText {
  const text = range.data.toString('utf8');
  const endOffset = range.offset + range.data.length;
  return { text, truncated: range.offset > 0 || CAP_MARKER_PATTERN.test(text), offset: range.offset, endOffset };
}

/** Reads a finished deployment's log, or its tail cut at a character boundary. */
export async function readLog(path: string, { tailBytes }: ReadLogOptions = {}): Promise<LogText> {
  return logText(await readLogRange(path, null, tailBytes ?? Number.MAX_SAFE_INTEGER));
}

/** Bytes of a log file from offset `from` (the last `maxBytes` when null); see chooseRange. */
export async function readLogRange(path: string, from: number | null, maxBytes: number): Promise<LogRange> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw notAvailable(path, error);
  }
  try {
    const { size } = await handle.stat();
    const start = await readKeptStart(handle, size);
    const end = start + size;
    const range = chooseRange(start, end, from, maxBytes);
    const bytes = Buffer.alloc(range.to - range.from);
    if (bytes.length > 0) await handle.read(bytes, 0, bytes.length, range.from - start);
    return sliceLog(bytes, range.from, range.to === end, start, end);
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
