import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForStop, requestStop, stopPipePath } from '../../main/service-stop';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A pipe of this test's own: a named pipe on Windows, a socket file elsewhere. */
function pipePath(folder: string): string {
  return process.platform === 'win32' ? `\\\\.\\pipe\\berth-test-${randomUUID()}` : join(folder, 'stop.sock');
}

async function listen(onStop: () => Promise<void>): Promise<string> {
  const folder = makeTempDir();
  const path = pipePath(folder.path);
  const server: Server = await listenForStop(path, onStop);
  cleanups.push(folder.cleanup, () => new Promise<void>((resolve) => server.close(() => resolve())));
  return path;
}

describe('service stop', () => {
  it('answers the stop command only once the slots are stopped', async () => {
    const steps: string[] = [];
    let finish: () => void = () => undefined;
    const path = await listen(() => {
      steps.push('stopping slots');
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const request = requestStop(path, 5_000).then(() => steps.push('stop command exits'));
    await waitFor(() => steps.length > 0, 'the service to start stopping');
    expect(steps).toEqual(['stopping slots']);
    finish();
    await request;
    expect(steps).toEqual(['stopping slots', 'stop command exits']);
  });

  it('stops once even when asked twice', async () => {
    let stops = 0;
    const path = await listen(async () => {
      stops += 1;
    });
    await Promise.all([requestStop(path, 5_000), requestStop(path, 5_000)]);
    expect(stops).toBe(1);
  });

  it('fails clearly when no service listens', async () => {
    const folder = makeTempDir();
    cleanups.push(folder.cleanup);
    await expect(requestStop(pipePath(folder.path), 1_000)).rejects.toThrow(/cannot reach the Berth service/);
  });

  it('uses a named pipe on Windows', () => {
    expect(stopPipePath('win32')).toBe('\\\\.\\pipe\\berth-agent-stop');
  });
});
