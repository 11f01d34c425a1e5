import { afterAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../agent-core/connection/outbox';
import type { ReliableMessage } from '../../agent-core/protocol/control-plane';
import { openStore } from '../../agent-core/store';
import { mountSmallDisk } from '../fixtures/small-disk';

const disk = mountSmallDisk(8);
const skipped = typeof disk === 'string' ? disk : null;

describe.skipIf(skipped !== null)(skipped === null ? 'outbox on a full disk' : `outbox on a full disk (skipped: ${skipped})`, () => {
  const small = disk as Exclude<typeof disk, string>;
  afterAll(() => small.remove());

  it('numbers, sends and keeps every message while the disk is full, and writes them in order once there is room', () => {
    const store = openStore(small.path);
    const fullErrors: unknown[] = [];
    const outbox = new Outbox(store, { onDiskFull: (error) => fullErrors.push(error) });
    const sent: ReliableMessage[] = [];
    outbox.attach(0, (message) => sent.push(message) > 0);
    const progress = (index: number) => ({ type: 'progress' as const, commandId: 'cmd_1', step: 'build', message: `${'p'.repeat(20_000)} ${index}` });

    outbox.add(progress(0));
    small.fill();
    let kept = 0;
    const seqs: number[] = [];
    for (let index = 1; index <= 100; index++) {
      seqs.push(outbox.add(progress(index)).seq);
      kept = Math.max(kept, outbox.unwrittenCount);
    }
    expect(fullErrors.length).toBeGreaterThan(0);
    expect(kept).toBeGreaterThan(0);
    expect(seqs).toEqual(seqs.map((_, index) => index + 2));
    expect(sent.map((message) => message.seq)).toEqual([1, ...seqs]);

    small.free();
    expect(outbox.add(progress(101)).seq).toBe(102);
    expect(outbox.unwrittenCount).toBe(0);
    store.close();

    // On the disk, in order, none missing: what a restarted agent would send again.
    const reopened = openStore(small.path);
    try {
      const again = new Outbox(reopened);
      expect(again.pending().map((message) => message.seq)).toEqual(Array.from({ length: 102 }, (_, index) => index + 1));
      expect(again.pending().at(-2)).toMatchObject({ type: 'progress', message: expect.stringMatching(/ 100$/) });
      expect(again.lastSeq).toBe(102);
    } finally {
      reopened.close();
    }
  });
});
