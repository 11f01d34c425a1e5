import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFile, deploymentLogPath, readLog } from '../../agent-core/logs';
import { BerthError } from '../../agent-core/protocol';
import { makeTempDir } from '../fixtures/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function tempLog(content: string): string {
  const dir = makeTempDir();
  cleanups.push(dir.cleanup);
  const path = deploymentLogPath(dir.path, 'slot_7', 'dep_3');
  mkdirSync(join(dir.path, 'logs', 'slot_7'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('log-reader', () => {
  it('reads the whole log, not truncated', async () => {
    const path = tempLog('\x1b[32mready\x1b[0m\r\n');
    const whole = { text: '\x1b[32mready\x1b[0m\r\n', truncated: false, offset: 0, endOffset: 16 };
    expect(await readLog(path)).toEqual(whole);
    expect(await readLog(path, { tailBytes: 1000 })).toEqual(whole);
  });

  it('returns at most tailBytes from the end, cut at a character boundary, marked truncated', async () => {
    const content = 'start\r\n' + 'é日😀'.repeat(100);
    const path = tempLog(content);
    for (let tailBytes = 1; tailBytes < 30; tailBytes++) {
      const { text, truncated } = await readLog(path, { tailBytes });
      expect(truncated).toBe(true);
      expect(text).not.toContain('\ufffd');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(tailBytes);
      expect(Buffer.byteLength(text)).toBeGreaterThan(tailBytes - 4);
      expect(content.endsWith(text)).toBe(true);
    }
  });

  it('reports a log whose oldest part the cap dropped as truncated', async () => {
    const dir = makeTempDir();
    cleanups.push(dir.cleanup);
    const path = deploymentLogPath(dir.path, 'slot_7', 'dep_3');
    const log = await LogFile.open(path, { maxBytes: 8192 });
    for (let index = 0; index < 1000; index++) log.append(`line ${index}\r\n`);
    await log.close();
    const { text, truncated, endOffset } = await readLog(path);
    expect(endOffset).toBe(log.offset);
    expect(text).toMatch(/^\[berth\] .* earlier output dropped: log capped at 8 KB; what follows starts at byte \d+\r\n/);
    expect(text.endsWith('line 999\r\n')).toBe(true);
    expect(truncated).toBe(true);
  });

  it('says which deployment has no log and why when the file is missing', async () => {
    const dir = makeTempDir();
    cleanups.push(dir.cleanup);
    const error = await readLog(deploymentLogPath(dir.path, 'slot_7', 'dep_9')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BerthError);
    expect((error as BerthError).code).toBe('LOG_NOT_AVAILABLE');
    expect((error as BerthError).message).toMatch(/deployment 'dep_9' of slot 'slot_7'.*(never ran|retention)/);
  });
});
