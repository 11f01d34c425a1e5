import { describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { SlotQueue } from '../../agent-core/slots/slot-queue';

function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('slot queue', () => {
  it('runs the commands of one slot one at a time, in the order received', async () => {
    const queue = new SlotQueue();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.enqueue({ id: 'a', label: 'a', run: async () => { order.push('a:start'); await gate.promise; order.push('a:end'); } });
    const second = queue.enqueue({ id: 'b', label: 'b', run: async () => { order.push('b:start'); } });
    expect(order).toEqual(['a:start']);
    expect(queue.runningJobId).toBe('a');
    gate.release();
    await Promise.all([first, second]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start']);
  });

  it('cancels a queued command without running it', async () => {
    const queue = new SlotQueue();
    const gate = deferred();
    let ran = false;
    const first = queue.enqueue({ id: 'a', label: 'deploy', run: () => gate.promise });
    const second = queue.enqueue({ id: 'b', label: 'restart', run: async () => { ran = true; } });
    expect(queue.cancel('b')).toBe(true);
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
    gate.release();
    await first;
    expect(ran).toBe(false);
  });

  it('aborts the running command, which stops at its next safe point', async () => {
    const queue = new SlotQueue();
    const running = queue.enqueue({
      id: 'a',
      label: 'deploy',
      run: (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as BerthError))),
    });
    expect(queue.cancel('a')).toBe(true);
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED', message: 'deploy was cancelled' });
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  it('says so when the command to cancel is not there', () => {
    expect(new SlotQueue().cancel('missing')).toBe(false);
  });

  it('goes on with the next command after one fails', async () => {
    const queue = new SlotQueue();
    const failed = queue.enqueue({ id: 'a', label: 'a', run: async () => { throw new BerthError('COMMAND_FAILED', 'boom'); } });
    const next = queue.enqueue({ id: 'b', label: 'b', run: async () => 'done' });
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('done');
  });
});
