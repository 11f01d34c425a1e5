import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { checkOnce, findFreePort, waitHealthy, type ServiceExit } from '../../agent-core/traffic';
import { startHttpApp, type HttpApp } from '../fixtures/http-app';
import { waitFor } from '../fixtures/wait';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function app(healthStatus = 200): Promise<HttpApp> {
  const started = await startHttpApp({ healthStatus });
  cleanups.push(() => started.close());
  return started;
}

async function failure(promise: Promise<unknown>): Promise<BerthError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BerthError);
  return error as BerthError;
}

const fast = { intervalMs: 20, checkTimeoutMs: 1_000 };

describe('health check', () => {
  it('passes once the app answers the expected status', async () => {
    const booting = await app(503);
    const healthy = waitHealthy({ port: booting.port, path: '/healthz', timeoutMs: 10_000, ...fast });
    await waitFor(() => booting.requests >= 2, 'a few failed checks');
    booting.setHealth(200);

    expect(await healthy).toMatchObject({ outcome: 'healthy', status: 200 });
  });

  it('is satisfied by an open port when no path is configured', async () => {
    const running = await app(500);
    expect(await waitHealthy({ port: running.port, timeoutMs: 5_000, ...fast })).toMatchObject({ outcome: 'healthy' });
    expect(running.requests).toBe(0);
  });

  it('reports each single check for the periodic watch', async () => {
    const running = await app(503);
    expect(await checkOnce({ port: running.port, path: '/healthz', expectStatus: 204 })).toEqual({
      outcome: 'unexpected-status',
      status: 503,
      detail: `GET http://127.0.0.1:${running.port}/healthz answered 503 (expected 204)`,
    });
    running.setHealth(204);
    expect(await checkOnce({ port: running.port, path: '/healthz', expectStatus: 204 })).toMatchObject({ outcome: 'healthy' });
  });

  it('fails with the last status, the setting to raise and the last output when the app stays unhealthy', async () => {
    const sick = await app(500);
    const error = await failure(
      waitHealthy({ port: sick.port, path: '/healthz', timeoutMs: 250, ...fast, lastOutput: () => 'Error: database not reachable\n' }),
    );
    expect(error.code).toBe('HEALTH_CHECK_FAILED');
    expect(error.message).toContain(`GET http://127.0.0.1:${sick.port}/healthz answered 500 (expected 200)`);
    expect(error.message).toContain('raise traffic.healthCheck.timeoutMs (now 250 ms)');
    expect(error.message).toMatch(/Last lines of the service's output:\nError: database not reachable$/);
  });

  it('points at the configured path when the app answers 404', async () => {
    const wrongPath = await app(404);
    const error = await failure(waitHealthy({ port: wrongPath.port, path: '/healthz', timeoutMs: 150, ...fast }));
    expect(error.message).toContain('answered 404 (expected 200). Check traffic.healthCheck.path.');
  });

  it('fails with connection refused when nothing listens on the port', async () => {
    const port = await findFreePort({ range: [41_000, 41_999] });
    const error = await failure(waitHealthy({ port, path: '/healthz', timeoutMs: 200, ...fast }));
    expect(error.message).toContain(`connection refused (nothing listens on port ${port} yet)`);
  });

  it('gives up on a single check that gets no answer within checkTimeoutMs', async () => {
    const stuck = await app();
    const error = await failure(waitHealthy({ port: stuck.port, path: '/hang', timeoutMs: 400, intervalMs: 20, checkTimeoutMs: 100 }));
    expect(error.message).toContain(`GET http://127.0.0.1:${stuck.port}/hang did not answer within 100 ms`);
  });

  it('fails at once when the service exits, with its last output and no advice to wait longer', async () => {
    const port = await findFreePort({ range: [41_000, 41_999] });
    const child = spawn(process.execPath, ['-e', 'console.log("Error: Cannot find module express"); process.exit(3)']);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<ServiceExit>((resolve) => child.once('exit', (exitCode) => resolve({ exitCode })));

    const started = Date.now();
    const error = await failure(
      waitHealthy({ port, path: '/healthz', timeoutMs: 30_000, ...fast, serviceExited: exited, lastOutput: () => output }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(/^the service exited with code 3 before it became healthy \(last check: .*connection refused/);
    expect(error.message).toContain('Error: Cannot find module express');
    expect(error.message).not.toContain('timeoutMs');
  });

  it('stops checking when cancelled', async () => {
    const sick = await app(500);
    const controller = new AbortController();
    const waiting = waitHealthy({ port: sick.port, path: '/healthz', timeoutMs: 30_000, ...fast, signal: controller.signal });
    await waitFor(() => sick.requests >= 1, 'a first check');
    controller.abort();

    const error = await failure(waiting);
    expect(error.code).toBe('CANCELLED');
  });
});
