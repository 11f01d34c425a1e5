import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { downstreamResponseHeaders, responseHead, upstreamRequestHeaders, type ForwardingOptions } from './forwarding-headers';
import { unreachableReason, type Upstream } from './forward-request';
import { writePlain } from './plain-response';
import { NO_ANSWER } from './traffic-counter';

export interface UpgradeTracking {
  /** The app switched protocols: the two sockets are now one tunnel, open until either side closes. */
  tunnelOpened(client: Duplex): void;
  tunnelClosed(client: Duplex): void;
  /**
   * The handshake is over, whatever its outcome, with the status the client got (NO_ANSWER when
   * none) and the time it took; called after tunnelOpened when there is a tunnel.
   */
  handshakeSettled(status: number, ms: number): void;
}

function joinTunnel(client: Duplex, app: Socket, tracking: UpgradeTracking): void {
  let open = true;
  const close = (): void => {
    client.destroy();
    app.destroy();
    if (open) {
      open = false;
      tracking.tunnelClosed(client);
    }
  };
  client.on('error', close);
  app.on('error', close);
  client.once('close', close);
  app.once('close', close);
  app.setNoDelay(true);
  client.pipe(app);
  app.pipe(client);
}

/**
 * Forwards an upgrade request (WebSocket) to `upstream` with the forwarding headers, relays the
 * app's answer, and on 101 pipes the raw sockets together: frames are not parsed, so any
 * protocol the app speaks after the switch works.
 */
export function forwardUpgrade(
  upstream: Upstream,
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  options: ForwardingOptions,
  tracking: UpgradeTracking,
): void {
  let settled = false;
  const started = performance.now();
  const settle = (status: number): void => {
    if (settled) return;
    settled = true;
    tracking.handshakeSettled(status, performance.now() - started);
  };
  const upstreamReq = request({
    host: upstream.host,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: upstreamRequestHeaders(req, options, upstream.hostHeader, req.headers.upgrade ?? 'websocket'),
    // A tunnel holds its connection for good, so it gets its own rather than one from the pool.
    agent: false,
  });
  const abandon = (): void => {
    upstreamReq.destroy();
    settle(NO_ANSWER);
  };
  client.on('error', abandon);
  client.once('close', abandon);

  upstreamReq.once('error', (error: NodeJS.ErrnoException) => {
    writePlain(client, 502, unreachableReason(error, upstream));
    settle(502);
  });

  upstreamReq.once('response', (upstreamRes: IncomingMessage) => {
    const headers = downstreamResponseHeaders(upstreamRes.rawHeaders);
    headers.push('Connection', 'close');
    client.write(responseHead(upstreamRes.statusCode!, upstreamRes.statusMessage ?? '', headers));
    upstreamRes.once('error', () => client.destroy());
    upstreamRes.pipe(client);
    settle(upstreamRes.statusCode!);
  });

  upstreamReq.once('upgrade', (upstreamRes: IncomingMessage, app: Socket, appHead: Buffer) => {
    client.off('error', abandon);
    client.off('close', abandon);
    // The handshake may finish after this color was cut off (its own connection is not in the pool).
    if (client.destroyed || upstream.cutReason !== null) {
      app.destroy();
      client.destroy();
      settle(NO_ANSWER);
      return;
    }
    client.write(responseHead(101, upstreamRes.statusMessage ?? 'Switching Protocols', upstreamRes.rawHeaders));
    if (appHead.length > 0) client.write(appHead);
    if (head.length > 0) app.write(head);
    tracking.tunnelOpened(client);
    joinTunnel(client, app, tracking);
    settle(101);
  });

  upstreamReq.end();
}
