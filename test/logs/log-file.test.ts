import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFile } from '../../agent-core/logs';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function tempLogPath(): string {
  const dir = makeTempDir();
  cleanups.push(dir.cleanup);
  return join(dir.path, 'logs', 'slot_7', 'dep_3.log');
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('log-file', () => {
  it('receives exactly what was written across many chunks, ANSI and all', async () => {
    const path = tempLogPath();
    const log = await LogFile.open(path);
    const chunks: string[] = [];
    for (let index = 0; index < 2000; index++) {
      const chunk = index % 7 === 0 ? `\x1b[31mline ${index} ✗\x1b[0m\r\n` : `line ${index} ok `;
      chunks.push(chunk);
      log.append(chunk);
      if (index % 100 === 0) await nextTick();
    }
    await log.close();
    expect(await readFile(path, 'utf8')).toBe(chunks.join(''));
  });

  it('counts offsets in bytes, so multi-byte characters move the offset by their UTF-8 length', async () => {
    const path = tempLogPath();
    const log = await LogFile.open(path);
    expect(log.append('héllo ')?.offset).toBe(0);
    expect(log.append('😀 ')?.offset).toBe(7);
    expect(log.append('日本')?.offset).toBe(12);
    expect(log.offset).toBe(18);
    await log.close();
    const bytes = await readFile(path);
    expect(bytes.length).toBe(18);
    expect(bytes.subarray(12).toString('utf8')).toBe('日本');
  });

  it('continues an existing log from its end', async () => {
    const path = tempLogPath();
    const first = await LogFile.open(path);
    first.append('first run\r\n');
    await first.close();
    const second = await LogFile.open(path);
    expect(second.append('second run\r\n')?.offset).toBe(11);
    await second.close();
    expect(await readFile(path, 'utf8')).toBe('first run\r\nsecond run\r\n');
  });

  it('drops the oldest part past the cap, with a marker at the top, and never grows past the cap', async () => {
    const path = tempLogPath();
    const maxBytes = 64 * 1024;
    const log = await LogFile.open(path, { maxBytes });
    let written = '';
    let largest = 0;
    for (let index = 0; index < 5000; index++) {
      const line = `output line ${index} ${'é'.repeat(index % 50)}\r\n`;
      written += line;
      log.append(line);
      if (index % 50 === 0) {
        await nextTick();
        largest = Math.max(largest, (await stat(path)).size);
      }
    }
    await log.close();
    expect(log.offset).toBe(Buffer.byteLength(written));
    const text = await readFile(path, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
    expect(largest).toBeLessThanOrEqual(maxBytes);
    const [marker, ...rest] = text.split('\r\n');
    const kept = rest.join('\r\n');
    const keptFrom = Buffer.byteLength(written) - Buffer.byteLength(kept);
    expect(marker).toBe(`[berth] ${Math.round((keptFrom / 1024) * 10) / 10} KB of earlier output dropped: log capped at 64 KB; what follows starts at byte ${keptFrom}`);
    expect(written.endsWith(kept)).toBe(true);
    expect(kept.startsWith('output line ')).toBe(true);
    expect(Buffer.byteLength(kept)).toBeGreaterThan(maxBytes / 2 - 200);
  });

  it('drops output past the in-memory backlog with a marker where it was lost, and offsets count what the log holds', async () => {
    const path = tempLogPath();
    const log = await LogFile.open(path, { maxPendingBytes: 1024 * 1024 });
    const line = `${'z'.repeat(1023)}\n`;
    for (let index = 0; index < 3 * 1024; index++) log.append(line);
    await waitFor(async () => (await stat(path)).size >= 1024 * 1024, 'the backlog to reach the file');
    const appended = log.append('after\n')!;
    expect(appended.text).toMatch(/^\r\n\[berth\] [\d.]+ MB of output dropped here.*\r\nafter\n$/);
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(log.offset).toBe(Buffer.byteLength(text));
    expect(appended.offset + Buffer.byteLength(appended.text)).toBe(Buffer.byteLength(text));
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    const [before, after] = text.split(/\r\n\[berth\] [\d.]+ MB of output dropped here: the log file could not be written as fast as the command printed\r\n/);
    expect(before.length).toBeGreaterThanOrEqual(1024 * 1024);
    expect(before).toBe(line.repeat(before.length / line.length));
    expect(after).toBe('after\n');
  });

  it('loses nothing written just before close', async () => {
    const path = tempLogPath();
    const log = await LogFile.open(path);
    const burst = 'x'.repeat(1000);
    for (let index = 0; index < 1000; index++) log.append(burst);
    await log.close();
    expect((await stat(path)).size).toBe(1_000_000);
  });
});
