import { request, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { downstreamResponseHeaders, upstreamRequestHeaders, type ForwardingOptions } from './forwarding-headers';
import { sendPlain } from './plain-response';

/** Where a color's requests go, and how to describe it in a reason a person reads. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
  /** Keep-alive pool of connections to this upstream; destroying it cuts every request on it. */
  readonly agent: Agent;
  /** "the blue instance (port 41873)". */
  readonly description: string;
  /** Set once Berth has cut this upstream off, so a cut request is reported as that rather than as the app's fault. */
  readonly cutReason: string | null;
}

// Only these may be sent twice: a reused keep-alive connection can be closed by the app at the very
// moment it is picked (the app's idle timeout), and such a request never reached the app.
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function unreachableReason(error: NodeJS.ErrnoException, upstream: Upstream): string {
  if (upstream.cutReason !== null) return upstream.cutReason;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${upstream.description} refused the connection; it is not listening (crashed or still starting?)`;
    case 'ECONNRESET':
      return `${upstream.description} closed the connection without answering`;
    default:
      return `could not reach ${upstream.description}: ${error.message}`;
  }
}

function hasBody(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return raw[i + 1] !== '0';
  }
  return false;
}

/**
 * Sends one request on to `upstream` and streams the answer back; bodies are piped both ways,
 * never buffered. `done` runs exactly once, when the client's response is over (sent or cut).
 * A failure before the app answered becomes a 502 with the reason; after, the client connection
 * is closed, because a half-sent response cannot be turned into an error any more.
 */
export function forwardRequest(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  options: ForwardingOptions,
  done: () => void,
): void {
  const headers = upstreamRequestHeaders(req, options);
  const body = hasBody(req.rawHeaders);
  const retryable = !body && RETRYABLE_METHODS.has(req.method!);
  let current = send(false);

  res.once('close', () => {
    if (!res.writableFinished) current.destroy();
    done();
  });

  function send(isRetry: boolean): ClientRequest {
    const upstreamReq = request(
      { host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers, agent: upstream.agent },
      relay,
    );
    upstreamReq.once('error', (error: NodeJS.ErrnoException) => {
      if (res.destroyed) return;
      if (!isRetry && retryable && upstreamReq.reusedSocket && !res.headersSent && upstream.cutReason === null) {
        current = send(true);
        return;
      }
      sendPlain(res, 502, unreachableReason(error, upstream));
    });
    if (body) req.pipe(upstreamReq);
    else upstreamReq.end();
    return upstreamReq;
  }

  function relay(upstreamRes: IncomingMessage): void {
    // The app's connection can drop mid-body; without this the client would wait forever.
    upstreamRes.once('error', () => res.destroy());
    res.writeHead(upstreamRes.statusCode!, upstreamRes.statusMessage, downstreamResponseHeaders(upstreamRes.rawHeaders));
    upstreamRes.pipe(res);
  }
}
