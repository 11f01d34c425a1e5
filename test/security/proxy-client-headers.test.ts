import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SlotProxy, Target } from '../../agent-core/traffic';
import { httpRequest } from '../fixtures/http-request';
import { upgradeStatus } from '../fixtures/upgrade-status';

// Door: an app behind a slot's public proxy that trusts X-Real-IP (as apps behind nginx do) would
// believe whatever address a client claims, and e.g. grant a "local only" page to the network.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An upstream app that records the headers of every request and WebSocket upgrade it gets. */
async function recordingApp(): Promise<{ port: number; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  server.on('upgrade', (req, socket) => {
    seen.push(req.headers);
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port, seen };
}

async function proxyTo(upstreamPort: number, trustForwardedHeaders = false): Promise<number> {
  const target = new Target({ port: upstreamPort, color: 'blue', deploymentId: 'dep_blue' });
  target.markHealthy();
  const proxy = new SlotProxy({ name: 'slot qa-1', trustForwardedHeaders });
  const port = await proxy.listen({ port: 0, host: '127.0.0.1' });
  proxy.setTarget(target);
  cleanups.push(() => target.stop(), () => proxy.close());
  return port;
}

describe('proxy client headers', () => {
  it('does not pass a client’s X-Real-IP to the app', async () => {
    const app = await recordingApp();
    const port = await proxyTo(app.port);
    const claimed = { 'X-Real-IP': '10.1.2.3', 'X-Forwarded-For': '10.1.2.3' };

    expect((await httpRequest(`http://127.0.0.1:${port}/admin`, { headers: claimed })).status).toBe(200);
    await upgradeStatus(port, claimed, '/ws');

    expect(app.seen).toHaveLength(2);
    for (const headers of app.seen) {
      // The app is told the address the connection really came from, and nothing the client claimed.
      expect(headers['x-real-ip']).toBe('127.0.0.1');
      expect(headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(JSON.stringify(headers)).not.toContain('10.1.2.3');
    }
  });

  it('keeps the X-Real-IP of a proxy in front only when told to trust it', async () => {
    const app = await recordingApp();
    const port = await proxyTo(app.port, true);
    await httpRequest(`http://127.0.0.1:${port}/`, { headers: { 'X-Real-IP': '203.0.113.9' } });
    expect(app.seen[0]!['x-real-ip']).toBe('203.0.113.9');
  });
});
