import { Agent, request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { SlotProxy, Target, type SlotProxyOptions } from '../../agent-core/traffic';
import { startHttpApp } from '../fixtures/http-app';
import { httpRequest } from '../fixtures/http-request';
import { nextMessage, useTrafficParts } from './traffic-fixtures';

const parts = useTrafficParts();
const { app, healthyTarget, openWebSocket } = parts;

/** The proxy of slot qa-1, as its error messages name it. */
function proxyTo(target: Target | null, options: SlotProxyOptions = {}): Promise<{ proxy: SlotProxy; origin: string }> {
  return parts.proxyTo(target, { name: 'slot qa-1', ...options });
}

describe('proxy', () => {
  it('sends requests to the live color and tells the app who asked', async () => {
    const blue = await app();
    const { origin } = await proxyTo(healthyTarget(blue));

    const hello = await httpRequest(`${origin}/`);
    expect(hello).toMatchObject({ status: 200, body: 'blue v1\n' });
    expect(hello.headers['x-app-color']).toBe('blue');

    const seen = await httpRequest(`${origin}/headers`, {
      headers: { 'X-Forwarded-For': '6.6.6.6', Connection: 'keep-alive, X-Hop', 'X-Hop': 'secret', 'X-Kept': 'yes' },
    });
    const headers = JSON.parse(seen.body) as Record<string, string>;
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe(new URL(origin).host);
    expect(headers.host).toBe(new URL(origin).host);
    expect(headers['x-kept']).toBe('yes');
    expect(headers['x-hop']).toBeUndefined();
  });

  it('extends the forwarding headers of a trusted proxy in front instead of replacing them', async () => {
    const blue = await app();
    const { origin } = await proxyTo(healthyTarget(blue), { trustForwardedHeaders: true });

    const seen = await httpRequest(`${origin}/headers`, {
      headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'qa.example.com' },
    });
    const headers = JSON.parse(seen.body) as Record<string, string>;
    expect(headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('https');
    expect(headers['x-forwarded-host']).toBe('qa.example.com');
  });

  it('serves an HTTP/1.0 client that sends no Host header', async () => {
    const blue = await app();
    const { origin } = await proxyTo(healthyTarget(blue));

    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(origin).port), '127.0.0.1');
      let text = '';
      socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('close', () => resolve(text));
      socket.once('error', reject);
      socket.write('GET / HTTP/1.0\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\n\r\nblue v1\n$/);
  });

  it('keeps connections to the app alive across requests', async () => {
    const blue = await app();
    const { origin } = await proxyTo(healthyTarget(blue));
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    parts.defer(() => agent.destroy());

    for (let i = 0; i < 40; i++) expect((await httpRequest(`${origin}/`, { agent })).status).toBe(200);
    expect(blue.requests).toBe(40);
    expect(blue.connections).toBe(1);
  });

  it('streams request and response bodies instead of buffering them', async () => {
    const blue = await app();
    const { origin } = await proxyTo(healthyTarget(blue));

    // The echo of the first chunk arrives while the request body is still open: nothing waited for the whole body.
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request(`${origin}/echo`, { method: 'POST', headers: { 'Content-Type': 'text/plain' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text === 'first;') req.end('second');
        });
        res.once('end', () => resolve(text));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.flushHeaders();
      req.write('first;');
    });
    expect(echoed).toBe('first;second');

    const big = await httpRequest(`${origin}/big?bytes=${8 * 1024 * 1024 + 3}`);
    expect(big.status).toBe(200);
    expect(big.body.length).toBe(8 * 1024 * 1024 + 3);
  });

  it('answers 503 with Retry-After and a reason while no color is healthy', async () => {
    const { proxy, origin } = await proxyTo(null);

    const starting = await httpRequest(`${origin}/`, { timeoutMs: 5_000 });
    expect(starting.status).toBe(503);
    expect(starting.headers['retry-after']).toBe('5');
    expect(starting.headers['content-type']).toMatch(/^text\/plain/);
    expect(starting.body).toMatch(/no healthy instance/);

    proxy.setTarget(null, 'slot qa-1 is stopped');
    const stopped = await httpRequest(`${origin}/`, { timeoutMs: 5_000 });
    expect(stopped).toMatchObject({ status: 503, body: 'Berth: slot qa-1 is stopped\n' });

    await expect(openWebSocket(`${origin.replace('http', 'ws')}/ws`)).rejects.toThrow('upgrade answered 503');
  });

  it('answers 502 with a reason when the live color does not listen', async () => {
    const gone = await startHttpApp();
    await gone.close();
    const { origin } = await proxyTo(healthyTarget(gone));

    const answer = await httpRequest(`${origin}/`, { timeoutMs: 5_000 });
    expect(answer.status).toBe(502);
    expect(answer.body).toContain(`the blue instance (port ${gone.port}) refused the connection`);

    await expect(openWebSocket(`${origin.replace('http', 'ws')}/ws`)).rejects.toThrow('upgrade answered 502');
  });

  it('answers 502 when the app closes the connection without answering', async () => {
    const blue = await app();
    const { origin } = await proxyTo(healthyTarget(blue));

    const answer = await httpRequest(`${origin}/drop`, { timeoutMs: 5_000 });
    expect(answer.status).toBe(502);
    expect(answer.body).toContain('closed the connection without answering');
  });

  it('refuses a public port another program holds, saying which and what to change', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    parts.defer(() => new Promise((resolve) => holder.close(resolve)));
    const port = (holder.address() as { port: number }).port;

    const proxy = new SlotProxy();
    const failure = await proxy.listen({ port, host: '127.0.0.1' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BerthError);
    expect(failure).toMatchObject({
      code: 'PORT_IN_USE',
      message: `public port ${port} is already in use by another program; free it or choose another publicPort`,
    });
  });

  it('proxies WebSocket connections to the live color and relays a refused upgrade', async () => {
    const blue = await app();
    const target = healthyTarget(blue);
    const { origin } = await proxyTo(target);
    const ws = origin.replace('http', 'ws');

    const socket = await openWebSocket(`${ws}/ws`);
    const reply = nextMessage(socket);
    socket.send('hello');
    expect(await reply).toBe('blue:hello');
    expect(target.openWebSockets).toBe(1);

    await expect(openWebSocket(`${ws}/elsewhere`)).rejects.toThrow('upgrade answered 404');
  });

  it('only lets a healthy target take traffic', async () => {
    const blue = await app();
    const { proxy } = await proxyTo(null);
    const starting = new Target({ port: blue.port, color: 'blue', deploymentId: 'dep_1' });
    parts.defer(() => starting.stop());

    expect(() => proxy.setTarget(starting)).toThrow(/blue target is adding/);
    expect(proxy.target).toBeNull();
  });
});
