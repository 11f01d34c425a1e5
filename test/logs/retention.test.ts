import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneLogs, slotLogDir } from '../../agent-core/logs';
import { makeTempDir } from '../fixtures/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe('retention', () => {
  it('keeps exactly the logs of the given deployment ids and removes the rest', async () => {
    const dir = makeTempDir();
    cleanups.push(dir.cleanup);
    const logs = slotLogDir(dir.path, 'slot_7');
    mkdirSync(logs, { recursive: true });
    const ids = Array.from({ length: 30 }, (_, index) => `dep_${String(index).padStart(2, '0')}`);
    for (const id of ids) writeFileSync(join(logs, `${id}.log`), `output of ${id}\r\n`);
    writeFileSync(join(logs, 'dep_01.log.tmp'), 'interrupted compaction');
    writeFileSync(join(logs, 'notes.txt'), 'not a log');

    const keep = [...ids.slice(10), 'dep_03'];
    const removed = await pruneLogs(logs, { keep });

    expect(readdirSync(logs).sort()).toEqual([...keep.map((id) => `${id}.log`), 'notes.txt'].sort());
    expect(removed.sort()).toEqual(ids.slice(0, 10).filter((id) => id !== 'dep_03'));
  });

  it('does nothing for a slot that has no logs yet', async () => {
    const dir = makeTempDir();
    cleanups.push(dir.cleanup);
    expect(await pruneLogs(slotLogDir(dir.path, 'slot_new'), { keep: [] })).toEqual([]);
  });
});
