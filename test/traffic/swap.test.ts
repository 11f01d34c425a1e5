import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Target } from '../../agent-core/traffic';
import type { HttpApp } from '../fixtures/http-app';
import { httpRequest } from '../fixtures/http-request';
import { waitFor } from '../fixtures/wait';
import { echo, useTrafficParts } from './traffic-fixtures';

const parts = useTrafficParts();

type Color = 'blue' | 'green';

interface Instance {
  app: HttpApp;
  target: Target;
}

/** What a deployment will do: start the app for a color and let its target take traffic once healthy. */
async function deploy(color: Color, version: string): Promise<Instance> {
  const app = await parts.app(color, version);
  return { app, target: parts.healthyTarget(app, color, `dep_${version}`) };
}

const startProxy = () => parts.proxyTo(null);
const openWebSocket = parts.openWebSocket;

describe('swap', () => {
  it('loses no request when colors are swapped under continuous load', async () => {
    const { proxy, origin } = await startProxy();
    let live = await deploy('blue', 'v0');
    proxy.setTarget(live.target);

    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    parts.defer(() => agent.destroy());
    const maxRequests = 20_000;
    const deadline = Date.now() + 20_000;
    let sent = 0;
    let answered = 0;
    let stop = false;
    const failures: string[] = [];
    const versions = new Set<string>();
    const worker = async (): Promise<void> => {
      while (!stop && sent < maxRequests && Date.now() < deadline) {
        sent++;
        try {
          const answer = await httpRequest(`${origin}/`, { agent, timeoutMs: 5_000 });
          if (answer.status === 200) versions.add(answer.body.trim());
          else failures.push(`${answer.status} ${answer.body.trim()}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
        answered++;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));

    const swaps = 10;
    for (let swap = 1; swap <= swaps; swap++) {
      const before = answered;
      await waitFor(() => answered >= before + 100 || stop, 'load to flow before the next swap');
      const next = await deploy(swap % 2 === 0 ? 'blue' : 'green', `v${swap}`);
      const old = proxy.setTarget(next.target)!;
      expect(old).toBe(live.target);
      const previous = live;
      live = next;
      expect((await previous.target.drain(5_000)).timedOut).toBe(false);
      // The drained instance's process goes away, as it will after a real swap.
      await previous.app.close();
    }
    await waitFor(() => answered >= 100, 'some load after the last swap');
    stop = true;
    await load;

    expect(failures).toEqual([]);
    expect(answered).toBe(sent);
    expect(versions.size).toBe(swaps + 1);
    expect((await httpRequest(`${origin}/`)).body).toBe(`blue v${swaps}\n`);
  });

  it('finishes a long request started before the swap on the old color', async () => {
    const { proxy, origin } = await startProxy();
    const blue = await deploy('blue', 'v1');
    proxy.setTarget(blue.target);
    const long = httpRequest(`${origin}/slow`);
    await blue.app.waitForSlow(1);

    const green = await deploy('green', 'v2');
    proxy.setTarget(green.target);
    expect((await httpRequest(`${origin}/`)).body).toBe('green v2\n');
    const drain = blue.target.drain(10_000);
    expect(blue.target.inFlight).toBe(1);

    blue.app.releaseSlow();
    expect(await long).toMatchObject({ status: 200, body: 'blue v1 slow\n' });
    expect(await drain).toEqual({ timedOut: false, inFlightAtEnd: 0, webSocketsAtEnd: 0 });
    expect(green.app.slowWaiting).toBe(0);
  });

  it('keeps a WebSocket opened before the swap on the old color until the drain ends', async () => {
    const { proxy, origin } = await startProxy();
    const ws = `${origin.replace('http', 'ws')}/ws`;
    const blue = await deploy('blue', 'v1');
    proxy.setTarget(blue.target);
    const before = await openWebSocket(ws);
    const closed = new Promise<number>((resolve) => before.once('close', (code) => resolve(code)));

    const green = await deploy('green', 'v2');
    proxy.setTarget(green.target);
    const after = await openWebSocket(ws);
    expect(await echo(after, 'new')).toBe('green:new');

    const drain = blue.target.drain(300);
    expect(await echo(before, 'still blue')).toBe('blue:still blue');
    expect(await drain).toEqual({ timedOut: true, inFlightAtEnd: 1, webSocketsAtEnd: 1 });
    await closed;
    expect(before.readyState).toBe(WebSocket.CLOSED);
    expect(await echo(after, 'unaffected')).toBe('green:unaffected');
  });
});
