import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToAgent } from '../../agent-core/cli/local-api-connection';
import { deploymentLogPath } from '../../agent-core/logs';
import type { LocalApiClient, LogEvent } from '../../agent-core/protocol/local-api';
import type { AgentProcess } from '../fixtures/agent-process';
import { gitSampleSlot, sampleAppOrigin, startConnectedAgent, stopAgent, withBuildStep } from '../fixtures/connected-agent';
import { FixtureControlPlane, type Frame } from '../fixtures/control-plane';
import type { GitOrigin } from '../fixtures/git-origin';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const JOINS = 30;
// Bytes each join follows after its read before it is checked: a few log frames' worth.
const FOLLOW_BYTES = 96 * 1024;
const SLOT_ID = 'slot_join';

/**
 * A build step that prints numbered lines with multi-byte characters, about 140 KB per turn of the
 * event loop (a few MB/s through the pty), until `stopFile` exists (or a minute has passed).
 */
function floodScript(stopFile: string): string {
  return `const fs = require('node:fs'); const stop = ${JSON.stringify(stopFile)}; const until = Date.now() + 60000; let n = 0;
const tick = () => {
  if (fs.existsSync(stop) || Date.now() > until) { console.log('join flood done'); return; }
  let text = ''; for (let k = 0; k < 1024; k++) text += String(n++).padStart(9, '0') + ' ' + 'é✓ abcdefghij'.repeat(8) + '\\n';
  process.stdout.write(text, () => setTimeout(tick, 5));
};
tick();`;
}

interface Join {
  /** Where the read began, and its text. */
  offset: number;
  text: string;
  /** The read's endOffset, and the streamed pieces that followed it in order. */
  endOffset: number;
  pieces: { offset: number; data: string }[];
}

/** Checks that a join shows the log exactly: the read, then the stream from its end, each byte where the log has it, once. */
function expectExactJoin(join: Join, log: Buffer, label: string): void {
  const read = Buffer.from(join.text, 'utf8');
  expect(join.endOffset - join.offset, `${label}: endOffset = offset + the text's bytes`).toBe(read.length);
  expect(read.equals(log.subarray(join.offset, join.endOffset)), `${label}: the read is the log at its offsets`).toBe(true);
  expect(join.pieces[0]?.offset, `${label}: the stream starts at the read's endOffset`).toBe(join.endOffset);
  let next = join.endOffset;
  for (const piece of join.pieces) {
    expect(piece.offset, `${label}: the stream goes on from where it got to, no byte twice or missing`).toBe(next);
    next += Buffer.byteLength(piece.data, 'utf8');
  }
  const streamed = Buffer.from(join.pieces.map((piece) => piece.data).join(''), 'utf8');
  expect(streamed.length, `${label}: followed for a while`).toBeGreaterThanOrEqual(FOLLOW_BYTES);
  const joined = Buffer.concat([read, streamed]);
  expect(joined.equals(log.subarray(join.offset, join.offset + joined.length)), `${label}: read + stream = the log file`).toBe(true);
}

const streamedBytes = (pieces: { data: string }[]): number => pieces.reduce((sum, piece) => sum + Buffer.byteLength(piece.data, 'utf8'), 0);

describe('reading a log, then following it from its endOffset', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let origin: GitOrigin;
  let agent: AgentProcess;
  let client: LocalApiClient;
  let deploymentId: string;
  let deployCommand: string;
  const stopFile = (): string => join(storage.path, 'stop-flood');

  beforeAll(async () => {
    plane = await FixtureControlPlane.start();
    storage = makeTempDir('berth-log-join-');
    origin = sampleAppOrigin('v1');
    agent = startConnectedAgent(plane, storage.path);
    await plane.waitForSession();
    client = await waitFor(() => connectToAgent(storage.path), 'the local API of the agent', { timeoutMs: 30_000 });
    const slot = withBuildStep(gitSampleSlot(origin, { id: SLOT_ID, name: 'qa-join' }), floodScript(stopFile()), 'flood');
    deployCommand = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    const update = await waitFor(
      () => plane.received('deployment.update').find((frame) => frame.commandId === deployCommand && frame.status === 'building'),
      'the deployment to build',
      { timeoutMs: 60_000 },
    );
    deploymentId = update.id as string;
    // The flood is running: its log grows.
    await waitFor(async () => (await client.call('logs.read', { slot: SLOT_ID, deploymentId, tailBytes: 16 })).endOffset > 1024 * 1024, 'a MB of flood output', {
      timeoutMs: 60_000,
    });
  }, 120_000);

  afterAll(async () => {
    writeFileSync(stopFile(), '');
    client?.close();
    if (agent) await stopAgent(agent);
    await plane?.stop();
    origin?.cleanup();
    storage?.cleanup();
  }, 60_000);

  /** The deployment's whole log once the flood has ended and the log is closed. */
  async function finishedLog(): Promise<Buffer> {
    writeFileSync(stopFile(), '');
    const result = await plane.waitForResult(deployCommand, 90_000);
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    return readFileSync(deploymentLogPath(storage.path, SLOT_ID, deploymentId));
  }

  it('answers slot.logs sent right after a log message with a text that holds that message', { timeout: 120_000 }, async () => {
    const subscriptionId = 'right_after';
    expect((await plane.waitForResult(plane.command('slot.logs.subscribe', { slotId: SLOT_ID, subscriptionId, deploymentId }))).ok).toBe(true);
    for (let round = 0; round < 10; round++) {
      const seen = plane.frames.length;
      const frame = await waitFor(
        () => plane.frames.slice(seen).filter((entry) => entry.direction === 'in' && entry.frame.type === 'log' && entry.frame.subscriptionId === subscriptionId).at(-1)?.frame,
        'a log frame',
        { intervalMs: 1, timeoutMs: 30_000 },
      );
      const read = await plane.waitForResult(plane.command('slot.logs', { slotId: SLOT_ID, deploymentId, tailBytes: 256 * 1024 }));
      const frameEnd = (frame.offset as number) + Buffer.byteLength(frame.data as string, 'utf8');
      expect(read.data.endOffset, `round ${round}: the read reaches the end of the streamed frame`).toBeGreaterThanOrEqual(frameEnd);
      if (frame.offset >= read.data.offset) {
        const text = Buffer.from(read.data.text as string, 'utf8');
        expect(text.subarray(frame.offset - read.data.offset, frameEnd - read.data.offset).toString('utf8')).toBe(frame.data);
      }
    }
    await plane.waitForResult(plane.command('slot.logs.unsubscribe', { subscriptionId }));
  });

  it('joins exactly over the control-plane protocol and over the local API, 30 times each, under a few MB/s', { timeout: 180_000 }, async () => {
    const started = Date.now();
    const startOffset = (await client.call('logs.read', { slot: SLOT_ID, deploymentId, tailBytes: 16 })).endOffset;
    const planeJoins: Join[] = [];
    const apiJoins: Join[] = [];
    for (let index = 0; index < JOINS; index++) {
      planeJoins.push(await joinOverControlPlane(index));
      apiJoins.push(await joinOverLocalApi());
    }
    const endOffset = (await client.call('logs.read', { slot: SLOT_ID, deploymentId, tailBytes: 16 })).endOffset;
    const rate = (endOffset - startOffset) / ((Date.now() - started) / 1000);
    const log = await finishedLog();
    planeJoins.forEach((join, index) => expectExactJoin(join, log, `control plane join ${index}`));
    apiJoins.forEach((join, index) => expectExactJoin(join, log, `local API join ${index}`));
    // The joins happened under load: the log grew by MBs a second meanwhile (less on a busy machine).
    console.log(`log-join: the log grew at ${(rate / 1024 / 1024).toFixed(1)} MB/s during the joins`);
    expect(rate).toBeGreaterThan(256 * 1024);
  });

  async function joinOverControlPlane(index: number): Promise<Join> {
    const read = await plane.waitForResult(plane.command('slot.logs', { slotId: SLOT_ID, deploymentId, tailBytes: 8 * 1024 }));
    expect(read.ok, JSON.stringify(read.error)).toBe(true);
    const subscriptionId = `join_${index}`;
    const frames = (): Frame[] => plane.received('log').filter((frame) => frame.subscriptionId === subscriptionId);
    const subscribed = await plane.waitForResult(plane.command('slot.logs.subscribe', { slotId: SLOT_ID, subscriptionId, deploymentId, fromOffset: read.data.endOffset }));
    expect(subscribed.ok, JSON.stringify(subscribed.error)).toBe(true);
    await waitFor(() => streamedBytes(frames() as { data: string }[]) >= FOLLOW_BYTES, `${FOLLOW_BYTES} bytes on ${subscriptionId}`, { timeoutMs: 30_000 });
    await plane.waitForResult(plane.command('slot.logs.unsubscribe', { subscriptionId }));
    const pieces = frames().map((frame) => ({ offset: frame.offset as number, data: frame.data as string }));
    return { offset: read.data.offset, text: read.data.text, endOffset: read.data.endOffset, pieces };
  }

  async function joinOverLocalApi(): Promise<Join> {
    const read = await client.call('logs.read', { slot: SLOT_ID, deploymentId, tailBytes: 8 * 1024 });
    const events: LogEvent[] = [];
    const stream = await client.subscribeLogs({ slot: SLOT_ID, deploymentId, fromOffset: read.endOffset }, (event) => events.push(event));
    const pieces = (): { offset: number; data: string }[] =>
      events.map(({ chunk }) => (chunk.kind === 'data' ? chunk : { offset: chunk.fromOffset, data: `<gap to ${chunk.toOffset}>` }));
    await waitFor(() => streamedBytes(pieces()) >= FOLLOW_BYTES, `${FOLLOW_BYTES} bytes over the local API`, { timeoutMs: 30_000 });
    await stream.close();
    return { offset: read.offset, text: read.text, endOffset: read.endOffset, pieces: pieces() };
  }
});
