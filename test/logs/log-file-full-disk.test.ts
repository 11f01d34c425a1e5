import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeploymentOutput, LogFile } from '../../agent-core/logs';
import { mountSmallDisk } from '../fixtures/small-disk';
import { waitFor } from '../fixtures/wait';

const disk = mountSmallDisk(2);
const skipped = typeof disk === 'string' ? disk : null;

describe.skipIf(skipped !== null)(skipped === null ? 'a log on a full disk' : `a log on a full disk (skipped: ${skipped})`, () => {
  const small = disk as Exclude<typeof disk, string>;
  afterAll(() => small.remove());

  it('stops writing when the disk is full, says so once, and ends the log with a marker instead of failing its close', async () => {
    const path = join(small.path, 'logs', 'slot_1', 'dep_1.log');
    const fullErrors: unknown[] = [];
    const log = await LogFile.open(path, { onDiskFull: (error) => fullErrors.push(error) });
    log.append('before\r\n');
    await waitFor(async () => (await readFile(path, 'utf8')).includes('before'), 'the first line on the disk');
    small.fill();
    for (let index = 0; index < 50; index++) log.append(`${'x'.repeat(2_000)} lost line ${index}\r\n`);
    await waitFor(() => fullErrors.length > 0, 'the log to find the disk full');
    for (let index = 0; index < 50; index++) log.append(`${'y'.repeat(2_000)} lost again ${index}\r\n`);
    // The reserve given back (here: the filler removed) is the room for the marker.
    small.free();
    await log.close();

    expect(fullErrors).toHaveLength(1);
    expect((fullErrors[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('before\r\n')).toBe(true);
    expect(text).toMatch(/\r\n\[berth\] output dropped: the disk is full \(.+ not written\)\r\n$/);
    expect(text).not.toContain('lost again');
  });

  it('aborts its deployment with the storage-full error, naming the free space and the folder', async () => {
    const output = await DeploymentOutput.open({ storagePath: small.path, slotId: 'slot_2', deploymentId: 'dep_2', secrets: [] });
    small.fill();
    try {
      for (let index = 0; index < 200; index++) output.write(`${'z'.repeat(1_000)}\r\n`);
      await waitFor(() => output.diskFull.aborted, 'the output to report the full disk');
      expect(output.diskFull.reason).toMatchObject({ code: 'STORAGE_FULL' });
      expect((output.diskFull.reason as Error).message).toMatch(new RegExp(`^the storage disk is full: .* free at ${small.path}; free space or move the storage folder$`));
    } finally {
      small.free();
      await output.close();
    }
  });
});
