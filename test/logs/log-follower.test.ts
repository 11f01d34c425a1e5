import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentOutput, finishedLog, followLog, LogFile, readLogRange, type LogEvent, type LogSubscription } from '../../agent-core/logs';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

let storage: ReturnType<typeof makeTempDir>;
beforeEach(() => (storage = makeTempDir('berth-log-follower-')));
afterEach(() => storage.cleanup());
const tempStorage = (): string => storage.path;

const line = (index: number): string => `${String(index).padStart(6, '0')} é✓ ${'x'.repeat(40)}\r\n`;
const joined = (events: LogEvent[]): string => events.map((event) => (event.kind === 'data' ? event.data : `<gap ${event.fromOffset}-${event.toOffset}>`)).join('');

/** A reader that takes `perTurn` events, then is full until the next turn of the event loop. */
class SlowReader {
  readonly events: LogEvent[] = [];
  subscription: LogSubscription | null = null;

  constructor(private readonly perTurn: number) {}

  send(event: LogEvent): boolean {
    this.events.push(event);
    if (this.events.length % this.perTurn !== 0) return true;
    setImmediate(() => this.subscription?.ready());
    return false;
  }
}

describe('log-follower', () => {
  it('reads output that is still queued for the disk, up to the live end', async () => {
    const output = await DeploymentOutput.open({ storagePath: tempStorage(), slotId: 's', deploymentId: 'd', secrets: [] });
    const events: LogEvent[] = [];
    output.subscribe({ send: (event) => events.push(event) > 0 });
    output.write('first line\r\n');
    output.write('second ✓\r\n');
    const read = await output.read(null, 1024);
    const last = events.at(-1)!;
    expect(last.kind === 'data' && last.offset + Buffer.byteLength(last.data)).toBe(read.end);
    expect({ offset: read.offset, text: read.data.toString('utf8') }).toEqual({ offset: 0, text: 'first line\r\nsecond ✓\r\n' });
    await output.close();
  });

  it('streams the stored output from an offset, then the live output, each byte once, to a slow reader', async () => {
    const output = await DeploymentOutput.open({ storagePath: tempStorage(), slotId: 's', deploymentId: 'd', secrets: [] });
    let index = 0;
    for (; index < 3000; index++) output.write(line(index));
    const from = Buffer.byteLength(line(0)) * 10 + 3;
    const reader = new SlowReader(3);
    reader.subscription = output.subscribe({ send: (event) => reader.send(event) }, { fromOffset: from });
    // Output goes on while the reader catches up.
    for (; index < 6000; index++) {
      output.write(line(index));
      if (index % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await output.close();
    const file = await readFile(output.path);
    await waitFor(() => Buffer.byteLength(joined(reader.events)) >= file.length - from, 'the reader to get to the end');
    expect(reader.events[0]).toMatchObject({ kind: 'data', offset: from });
    let next = from;
    for (const event of reader.events) {
      expect(event.kind === 'data' && event.offset).toBe(next);
      next += Buffer.byteLength(joined([event]));
    }
    expect(Buffer.from(joined(reader.events)).equals(file.subarray(from))).toBe(true);
  });

  it('starts a fromOffset below what the size cap kept at the oldest kept byte, and counts the dropped bytes in every offset', async () => {
    const storagePath = tempStorage();
    const output = await DeploymentOutput.open({ storagePath, slotId: 's', deploymentId: 'd', secrets: [], maxBytes: 8192 });
    let written = 0;
    for (let index = 0; index < 2000; index++) {
      output.write(line(index));
      written += Buffer.byteLength(line(index));
      if (index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Everything on disk first, so no later compaction moves the oldest kept byte under the reader.
    await waitFor(async () => (await readLogRange(output.path, null, 1)).end === output.offset, 'the output to reach the disk');
    const events: LogEvent[] = [];
    output.subscribe({ send: (event) => events.push(event) > 0 }, { fromOffset: 0 });
    await output.close();
    const file = await readFile(output.path);
    expect(output.offset).toBe(written);
    const keptStart = written - file.length;
    expect(keptStart).toBeGreaterThan(0);
    await waitFor(() => Buffer.byteLength(joined(events)) >= file.length, 'the stored output');
    expect(events[0]).toMatchObject({ kind: 'data', offset: keptStart });
    expect(joined(events)).toMatch(/^\[berth\] .* of earlier output dropped: log capped at 8 KB; what follows starts at byte \d+\r\n/);
    expect(Buffer.from(joined(events)).equals(file)).toBe(true);
    // Read back later from the file alone, and continued after a restart, the offsets stay the same.
    const again = await readLogRange(output.path, 0, 100);
    expect(again.offset).toBe(keptStart);
    expect(again.end).toBe(written);
    const continued = await LogFile.open(output.path, { maxBytes: 8192 });
    expect(continued.offset).toBe(written);
    await continued.close();
    const fromFile: LogEvent[] = [];
    let ended = false;
    followLog(finishedLog(output.path), { send: (event) => fromFile.push(event) > 0, end: () => (ended = true) }, 5);
    await waitFor(() => ended, 'the finished log to end its reader');
    expect(fromFile[0]).toMatchObject({ offset: keptStart });
    expect(Buffer.from(joined(fromFile)).equals(file)).toBe(true);
  });
});
