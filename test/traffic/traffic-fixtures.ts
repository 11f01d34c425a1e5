import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { SlotProxy, Target, type SlotProxyOptions } from '../../agent-core/traffic';
import { startHttpApp, type HttpApp } from '../fixtures/http-app';

/**
 * Apps, targets, proxies and sockets for a traffic test on loopback: whatever a test starts is
 * closed after it, the last started first.
 */
export function useTrafficParts() {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    /** Runs `cleanup` after the test, with the parts. */
    defer(cleanup: () => unknown): void {
      cleanups.push(cleanup);
    },
    async app(color = 'blue', version = 'v1'): Promise<HttpApp> {
      const started = await startHttpApp({ color, version });
      cleanups.push(() => started.close());
      return started;
    },
    /** A target for `upstream` that may take traffic at once. */
    healthyTarget(upstream: { port: number }, color: 'blue' | 'green' = 'blue', deploymentId = `dep_${color}`): Target {
      const target = new Target({ port: upstream.port, color, deploymentId });
      target.markHealthy();
      cleanups.push(() => target.stop());
      return target;
    },
    /** A slot proxy on a free loopback port, sending to `target` when there is one. */
    async proxyTo(target: Target | null, options: SlotProxyOptions = {}): Promise<{ proxy: SlotProxy; origin: string }> {
      const proxy = new SlotProxy(options);
      const port = await proxy.listen({ port: 0, host: '127.0.0.1' });
      cleanups.push(() => proxy.close());
      if (target) proxy.setTarget(target);
      return { proxy, origin: `http://127.0.0.1:${port}` };
    },
    /** Resolves once the socket is open; rejects with the status of a refused upgrade. */
    openWebSocket(url: string): Promise<WebSocket> {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        cleanups.push(() => socket.terminate());
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
        socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
      });
    },
  };
}

/** The next message on the socket, or a failure naming `what` after 5 s. */
export function nextMessage(socket: WebSocket, what = 'message'): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5_000);
    socket.once('message', (data) => {
      clearTimeout(timer);
      resolve(data.toString());
    });
  });
}

/** Sends `text` and resolves with the app's answer to it. */
export function echo(socket: WebSocket, text: string): Promise<string> {
  const reply = nextMessage(socket, `echo of '${text}'`);
  socket.send(text);
  return reply;
}
