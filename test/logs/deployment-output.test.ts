import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentOutput, deploymentLogPath, type LogEvent } from '../../agent-core/logs';
import { BerthError } from '../../agent-core/protocol';
import { makeTempDir } from '../fixtures/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function tempStorage(): string {
  const dir = makeTempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';

describe('deployment-output', () => {
  it('writes redacted output to the deployment log and to live subscribers with matching offsets', async () => {
    const storagePath = tempStorage();
    const output = await DeploymentOutput.open({ storagePath, slotId: 'slot_7', deploymentId: 'dep_3', secrets: [token] });
    expect(output.path).toBe(join(storagePath, 'logs', 'slot_7', 'dep_3.log'));
    const events: LogEvent[] = [];
    let ended = false;
    output.subscribe({ send: (event) => events.push(event) > 0, end: () => (ended = true) });

    const text = `cloning https://x:${token}@github.com/acme/web.git\r\n日本語 ok\r\n`.repeat(50);
    for (let index = 0; index < text.length; index += 13) output.write(text.slice(index, index + 13));
    await output.close();

    const expected = text.split(token).join('***');
    const file = await readFile(output.path);
    expect(file.toString('utf8')).toBe(expected);
    expect(output.offset).toBe(file.length);
    expect(ended).toBe(true);
    for (const event of events) {
      if (event.kind !== 'data') throw new Error(`unexpected ${event.kind}`);
      expect(file.subarray(event.offset, event.offset + Buffer.byteLength(event.data)).toString('utf8')).toBe(event.data);
    }
    expect(events.map((event) => (event.kind === 'data' ? event.data : '')).join('')).toBe(expected);
  });

  it('streams to a subscriber only the output written after it subscribed', async () => {
    const output = await DeploymentOutput.open({ storagePath: tempStorage(), slotId: 's', deploymentId: 'd', secrets: [] });
    output.write('before\r\n');
    const events: LogEvent[] = [];
    output.subscribe({ send: (event) => events.push(event) > 0 });
    output.write('after\r\n');
    await output.close();
    expect(events).toEqual([{ kind: 'data', offset: 8, data: 'after\r\n' }]);
  });

  it('shares one log between two writers of the same deployment: offsets stay exact, and it closes with the last one', async () => {
    const output = await DeploymentOutput.open({ storagePath: tempStorage(), slotId: 's', deploymentId: 'd', secrets: [] });
    const events: LogEvent[] = [];
    let ended = false;
    output.subscribe({ send: (event) => events.push(event) > 0, end: () => (ended = true) });
    expect(output.retain()).toBe(true);
    output.write('old instance\r\n');
    output.write('new instance\r\n');
    await output.close();
    expect(output.closed).toBe(false);
    output.write('new instance goes on\r\n');
    await output.close();
    expect(output.closed).toBe(true);
    expect(output.retain()).toBe(false);
    expect(ended).toBe(true);
    const file = await readFile(output.path, 'utf8');
    expect(file).toBe('old instance\r\nnew instance\r\nnew instance goes on\r\n');
    expect(events.map((event) => event.kind === 'data' && event.offset)).toEqual([0, 14, 28]);
  });

  it('writes a secret held back at the end of the stream, masked, on close', async () => {
    const output = await DeploymentOutput.open({ storagePath: tempStorage(), slotId: 's', deploymentId: 'd', secrets: [token] });
    output.write(`last words: ${token.slice(0, 10)}`);
    output.write(token.slice(10));
    await output.close();
    expect(await readFile(output.path, 'utf8')).toBe('last words: ***');
  });

  it('refuses slot or deployment ids that are not a single safe path segment', () => {
    expect(() => deploymentLogPath('/storage', '../etc', 'dep_1')).toThrow(BerthError);
    expect(() => deploymentLogPath('/storage', 'slot_1', 'a/b')).toThrow(/deployment id 'a\/b' cannot name a log file/);
  });
});
