import { describe, expect, it } from 'vitest';
import { LogFanout, type LogEvent, type LogSubscriber } from '../../agent-core/logs';

/** A subscriber that takes `capacity` events, then reports itself full until `ready` is called. */
function boundedSubscriber(capacity: number): LogSubscriber & { events: LogEvent[]; ended: boolean; room: number } {
  const subscriber = {
    events: [] as LogEvent[],
    ended: false,
    room: capacity,
    send(event: LogEvent): boolean {
      subscriber.events.push(event);
      subscriber.room--;
      return subscriber.room > 0;
    },
    end(): void {
      subscriber.ended = true;
    },
  };
  return subscriber;
}

function publishAll(fanout: LogFanout, chunks: readonly string[], start = 0): number[] {
  const offsets: number[] = [];
  let offset = start;
  for (const chunk of chunks) {
    offsets.push(offset);
    fanout.publish(offset, chunk);
    offset += Buffer.byteLength(chunk);
  }
  offsets.push(offset);
  return offsets;
}

describe('log-fanout', () => {
  it('gives a fast subscriber every byte in order, each chunk with its byte offset', () => {
    const fanout = new LogFanout();
    const subscriber = boundedSubscriber(Infinity);
    fanout.subscribe(subscriber);
    const chunks = Array.from({ length: 500 }, (_, index) => `chunk ${index} é😀\r\n`);
    const offsets = publishAll(fanout, chunks);
    expect(subscriber.events).toEqual(chunks.map((data, index) => ({ kind: 'data', offset: offsets[index], data })));
  });

  it('gives a slow subscriber a gap marker with the lost byte range, then continues, while publish never waits', () => {
    const fanout = new LogFanout();
    const slow = boundedSubscriber(1);
    const fast = boundedSubscriber(Infinity);
    const subscription = fanout.subscribe(slow, { bufferBytes: 1000 });
    fanout.subscribe(fast);
    const chunk = 'x'.repeat(300);
    const chunks = Array.from({ length: 10 }, () => chunk);

    const offsets = publishAll(fanout, chunks);
    expect(fast.events).toHaveLength(10);
    expect(slow.events).toHaveLength(1);

    slow.room = Infinity;
    subscription.ready();
    // Chunk 0 went straight out; chunks 1-3 fit the 1000-byte buffer; 4-9 were lost.
    expect(slow.events).toEqual([
      { kind: 'data', offset: offsets[0], data: chunk },
      { kind: 'data', offset: offsets[1], data: chunk },
      { kind: 'data', offset: offsets[2], data: chunk },
      { kind: 'data', offset: offsets[3], data: chunk },
      { kind: 'gap', fromOffset: offsets[4], toOffset: offsets[10] },
    ]);

    publishAll(fanout, ['after\r\n'], offsets[10]);
    expect(slow.events.at(-1)).toEqual({ kind: 'data', offset: offsets[10], data: 'after\r\n' });
  });

  it('holds at most the buffer size for a subscriber that never catches up', () => {
    const fanout = new LogFanout();
    const stuck = boundedSubscriber(1);
    const subscription = fanout.subscribe(stuck, { bufferBytes: 64 * 1024 });
    const chunk = 'y'.repeat(4096);
    const offsets = publishAll(fanout, Array.from({ length: 2500 }, () => chunk));
    stuck.room = Infinity;
    subscription.ready();
    const delivered = stuck.events.slice(1).filter((event) => event.kind === 'data');
    expect(delivered.length * chunk.length).toBeLessThanOrEqual(64 * 1024);
    expect(stuck.events.at(-1)).toEqual({ kind: 'gap', fromOffset: offsets[delivered.length + 1], toOffset: offsets.at(-1) });
  });

  it('ends a subscriber after it has taken what was queued when the output closes', () => {
    const fanout = new LogFanout();
    const slow = boundedSubscriber(1);
    const subscription = fanout.subscribe(slow);
    publishAll(fanout, ['one', 'two']);
    fanout.close();
    expect(slow.ended).toBe(false);
    slow.room = Infinity;
    subscription.ready();
    expect(slow.events.map((event) => (event.kind === 'data' ? event.data : 'gap'))).toEqual(['one', 'two']);
    expect(slow.ended).toBe(true);
    expect(fanout.subscriberCount).toBe(0);
  });

  it('keeps serving the other subscribers when one throws or unsubscribes', () => {
    const fanout = new LogFanout();
    const good = boundedSubscriber(Infinity);
    fanout.subscribe({
      send: () => {
        throw new Error('socket closed');
      },
    });
    const leaving = boundedSubscriber(Infinity);
    const leavingSubscription = fanout.subscribe(leaving);
    fanout.subscribe(good);
    publishAll(fanout, ['a']);
    leavingSubscription.close();
    publishAll(fanout, ['b'], 1);
    expect(good.events).toHaveLength(2);
    expect(leaving.events).toHaveLength(1);
    expect(fanout.subscriberCount).toBe(1);
  });
});
