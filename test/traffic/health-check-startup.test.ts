import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, waitHealthy } from '../../agent-core/traffic';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** An app that starts listening `afterMs` from now; resolves with the moment it listened. */
function appListeningLater(port: number, afterMs: number): Promise<number> {
  const server = createServer((request, response) => response.writeHead(request.url === '/healthz' ? 200 : 404).end('ok'));
  servers.push(server);
  return new Promise((resolve) => {
    setTimeout(() => server.listen(port, '127.0.0.1', () => resolve(performance.now())), afterMs);
  });
}

describe('health check while the service starts', () => {
  // The bound is generous for a loaded machine; without the startup probe the app would wait for
  // the next check, up to the 1 s interval.
  it('sees an app healthy soon after it starts listening, though checks are a second apart', async () => {
    const port = await findFreePort({ range: [47000, 47999] });
    const listening = appListeningLater(port, 300);
    const result = await waitHealthy({ port, path: '/healthz', intervalMs: 1_000, timeoutMs: 10_000, checkTimeoutMs: 1_000 });
    const healthyAt = performance.now();

    expect(result.outcome).toBe('healthy');
    expect(healthyAt - (await listening)).toBeLessThanOrEqual(150);
  });

  it('sees a port-only app healthy soon after it accepts connections', async () => {
    const port = await findFreePort({ range: [47000, 47999] });
    const listening = appListeningLater(port, 200);
    const result = await waitHealthy({ port, intervalMs: 1_000, timeoutMs: 10_000, checkTimeoutMs: 1_000 });
    const healthyAt = performance.now();

    expect(result.outcome).toBe('healthy');
    expect(healthyAt - (await listening)).toBeLessThanOrEqual(150);
  });
});
