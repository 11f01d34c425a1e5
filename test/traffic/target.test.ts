import { describe, expect, it } from 'vitest';
import { Target, type DrainResult } from '../../agent-core/traffic';
import type { HttpApp } from '../fixtures/http-app';
import { httpRequest } from '../fixtures/http-request';
import { waitFor } from '../fixtures/wait';
import { echo, useTrafficParts } from './traffic-fixtures';

const parts = useTrafficParts();

interface Setup {
  app: HttpApp;
  target: Target;
  origin: string;
}

async function liveBlue(): Promise<Setup> {
  const app = await parts.app('blue');
  const target = parts.healthyTarget(app, 'blue', 'dep_1');
  const { origin } = await parts.proxyTo(target);
  return { app, target, origin };
}

const openWebSocket = parts.openWebSocket;

function track(drain: Promise<DrainResult>): { readonly result: DrainResult | null; promise: Promise<DrainResult> } {
  const state = { result: null as DrainResult | null, promise: drain };
  void drain.then((result) => (state.result = result));
  return state;
}

describe('target', () => {
  it('goes adding, healthy, draining, stopped and refuses any other step', async () => {
    const target = new Target({ port: 1, color: 'green', deploymentId: 'dep_1' });
    expect(target.state).toBe('adding');
    expect(() => target.drain(100)).toThrow('the green target cannot go from adding to draining');
    target.markHealthy();
    expect(target.state).toBe('healthy');
    expect(() => target.markHealthy()).toThrow('cannot go from healthy to healthy');

    const drained = await target.drain(10_000);
    expect(drained).toEqual({ timedOut: false, inFlightAtEnd: 0, webSocketsAtEnd: 0 });
    expect(target.state).toBe('stopped');
    expect(() => target.markHealthy()).toThrow('cannot go from stopped to healthy');
  });

  it('drains by waiting for requests in flight to finish', async () => {
    const { app, target, origin } = await liveBlue();
    const slow = httpRequest(`${origin}/slow`);
    await app.waitForSlow(1);
    expect(target.inFlight).toBe(1);

    const drain = track(target.drain(10_000));
    // A full round trip to the app gives a drain that wrongly ended every chance to say so.
    await httpRequest(`${app.origin}/`);
    expect(target.state).toBe('draining');
    expect(drain.result).toBeNull();
    app.releaseSlow();

    expect(await slow).toMatchObject({ status: 200, body: 'blue v1 slow\n' });
    expect(await drain.promise).toEqual({ timedOut: false, inFlightAtEnd: 0, webSocketsAtEnd: 0 });
  });

  it('cuts a request still in flight when the drain times out, with a reason', async () => {
    const { target, origin } = await liveBlue();
    const hanging = httpRequest(`${origin}/hang`, { timeoutMs: 5_000 });
    await waitFor(() => target.inFlight === 1, 'the request to reach the app');

    expect(await target.drain(150)).toEqual({ timedOut: true, inFlightAtEnd: 1, webSocketsAtEnd: 0 });
    const answer = await hanging;
    expect(answer.status).toBe(502);
    expect(answer.body).toContain('was stopped after the 150 ms drain timeout (traffic.drainTimeoutMs)');
    expect(target.inFlight).toBe(0);
  });

  it('counts an open WebSocket as in flight: the drain waits for it to close', async () => {
    const { target, origin } = await liveBlue();
    const socket = await openWebSocket(`${origin.replace('http', 'ws')}/ws`);

    const drain = track(target.drain(10_000));
    expect(await echo(socket, 'still here')).toBe('blue:still here');
    expect(drain.result).toBeNull();

    socket.close();
    expect(await drain.promise).toEqual({ timedOut: false, inFlightAtEnd: 0, webSocketsAtEnd: 0 });
  });

  it('closes WebSocket connections still open when the drain times out', async () => {
    const { target, origin } = await liveBlue();
    const socket = await openWebSocket(`${origin.replace('http', 'ws')}/ws`);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    expect(await target.drain(150)).toEqual({ timedOut: true, inFlightAtEnd: 1, webSocketsAtEnd: 1 });
    await closed;
    expect(target.openWebSockets).toBe(0);
  });

  it('stops at once when told to, ending a drain under way', async () => {
    const { target, origin } = await liveBlue();
    const hanging = httpRequest(`${origin}/hang`, { timeoutMs: 5_000 });
    await waitFor(() => target.inFlight === 1, 'the request to reach the app');
    const drain = target.drain(60_000);

    target.stop('the blue instance crashed');
    expect(await drain).toEqual({ timedOut: false, inFlightAtEnd: 1, webSocketsAtEnd: 0 });
    expect(await hanging).toMatchObject({ status: 502, body: 'Berth: the blue instance crashed\n' });
    expect(target.state).toBe('stopped');
  });
});
