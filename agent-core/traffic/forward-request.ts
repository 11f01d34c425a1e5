import { request, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { downstreamResponseHeaders, upstreamRequestHeaders, type ForwardingOptions } from './forwarding-headers';
import { sendPlain } from './plain-response';

/** Where a color's requests go, and how to describe it in a reason a person reads. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
  /** Keep-alive pool of connections to this upstream; destroying it cuts every request on it. */
  readonly agent: Agent;
  /** "127.0.0.1:41873", for requests whose client sent no Host. */
  readonly hostHeader: string;
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

function uncork(res: ServerResponse): void {
  res.uncork();
}

/**
 * One request on its way to an upstream and its answer on the way back. Bodies stream both ways,
 * never buffered. A failure before the app answered becomes a 502 with the reason; after, the
 * client connection is closed, because a half-sent response cannot become an error any more.
 * (A class rather than closures: this runs for every request, and its listeners are made once.)
 */
class Exchange {
  private readonly headers: string[];
  private readonly body: boolean;
  private upstreamReq: ClientRequest;
  private upstreamRes: IncomingMessage | null = null;
  private retried = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    options: ForwardingOptions,
    private readonly done: () => void,
  ) {
    this.headers = upstreamRequestHeaders(req, options, upstream.hostHeader);
    this.body = hasBody(req.rawHeaders);
    res.once('close', this.onClientClosed);
    this.upstreamReq = this.send();
  }

  private send(): ClientRequest {
    const { upstream, req } = this;
    const upstreamReq = request(
      { host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers: this.headers, agent: upstream.agent },
      this.onResponse,
    );
    upstreamReq.once('error', this.onRequestError);
    if (this.body) req.pipe(upstreamReq);
    else upstreamReq.end();
    return upstreamReq;
  }

  private readonly onRequestError = (error: NodeJS.ErrnoException): void => {
    const { res, upstream } = this;
    if (res.destroyed) return;
    if (this.canRetry()) {
      this.retried = true;
      this.upstreamReq = this.send();
      return;
    }
    sendPlain(res, 502, unreachableReason(error, upstream));
  };

  private canRetry(): boolean {
    return (
      !this.retried &&
      !this.body &&
      this.upstreamReq.reusedSocket &&
      !this.res.headersSent &&
      this.upstream.cutReason === null &&
      RETRYABLE_METHODS.has(this.req.method!)
    );
  }

  private readonly onResponse = (upstreamRes: IncomingMessage): void => {
    const { res } = this;
    this.upstreamRes = upstreamRes;
    res.writeHead(upstreamRes.statusCode!, upstreamRes.statusMessage, downstreamResponseHeaders(upstreamRes.rawHeaders));
    upstreamRes.on('data', this.onData);
    upstreamRes.once('end', this.onEnd);
    // The app's connection can drop mid-body; without this the client would wait forever.
    upstreamRes.once('error', this.onResponseError);
    // Held until the first body chunk is in, so head and body leave in one write, not two.
    res.cork();
    process.nextTick(uncork, res);
  };

  private readonly onData = (chunk: Buffer): void => {
    if (!this.res.write(chunk)) {
      this.upstreamRes!.pause();
      this.res.once('drain', this.onDrain);
    }
  };

  private readonly onDrain = (): void => {
    this.upstreamRes!.resume();
  };

  private readonly onEnd = (): void => {
    this.res.end();
  };

  private readonly onResponseError = (): void => {
    this.res.destroy();
  };

  private readonly onClientClosed = (): void => {
    if (!this.res.writableFinished) this.upstreamReq.destroy();
    this.done();
  };
}

/** Sends one request on to `upstream` and streams the answer back; `done` runs once, when the client's response is over (sent or cut). */
export function forwardRequest(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  options: ForwardingOptions,
  done: () => void,
): void {
  new Exchange(upstream, req, res, options, done);
}
