import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher, Pool } from 'undici';
import { downstreamResponseHeaders, upstreamRequestHeaders, type ForwardingOptions } from './forwarding-headers';
import { sendPlain } from './plain-response';
import { NO_ANSWER } from './traffic-counter';

/** Called once per request when the client's response is over: the status it got (NO_ANSWER when none) and the time taken. */
export type RequestDone = (status: number, ms: number) => void;

/** Where a color's requests go, and how to describe it in a reason a person reads. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
  /** Keep-alive pool of connections to this upstream; destroying it cuts every request on it. */
  readonly pool: Pool;
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
    case 'UND_ERR_SOCKET':
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

// The app's connection closed under a request before any answer: the keep-alive race above.
function isConnectionLost(error: NodeJS.ErrnoException): boolean {
  return error.code === 'UND_ERR_SOCKET' || error.code === 'ECONNRESET';
}

/**
 * One request on its way to an upstream and its answer on the way back, as an undici dispatch
 * handler: undici parses the app's response and hands over its head and body chunks with no
 * IncomingMessage or ClientRequest in between (the proxy's main cost before, see the README's
 * Benches). Bodies stream both ways, never buffered, with backpressure. A failure before the app
 * answered becomes a 502 with the reason; after, the client connection is closed, because a
 * half-sent response cannot become an error any more.
 * (A class rather than closures: this runs for every request, and its methods are made once.)
 */
class Exchange implements Dispatcher.DispatchHandlers {
  private readonly options: Dispatcher.DispatchOptions;
  private abort: ((error?: Error) => void) | null = null;
  private resumeUpstream: (() => void) | null = null;
  private answered = false;
  private finished = false;
  private retried = false;
  private readonly started = performance.now();

  constructor(
    private readonly upstream: Upstream,
    req: IncomingMessage,
    private readonly res: ServerResponse,
    forwarding: ForwardingOptions,
    private readonly done: RequestDone,
  ) {
    const body = hasBody(req.rawHeaders);
    this.options = {
      path: req.url!,
      method: req.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req, forwarding, upstream.hostHeader),
      body: body ? req : null,
    };
    res.once('close', this.onClientClosed);
    upstream.pool.dispatch(this.options, this);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    // The client left while this waited for a connection.
    if (this.finished) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    // 1xx answers are this hop's business; the client gets the final one.
    if (statusCode < 200) return true;
    const { res } = this;
    if (res.destroyed) return false;
    this.answered = true;
    this.resumeUpstream = resume;
    const raw: string[] = new Array(rawHeaders.length);
    for (let i = 0; i < rawHeaders.length; i++) raw[i] = rawHeaders[i]!.toString('latin1');
    res.writeHead(statusCode, statusText, downstreamResponseHeaders(raw));
    // Held until the body is in, so head and body leave in one write, not two.
    res.cork();
    process.nextTick(uncork, res);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.resumeUpstream!);
    return false;
  }

  onComplete(): void {
    this.res.end();
  }

  onError(error: NodeJS.ErrnoException): void {
    const { res, upstream } = this;
    if (res.destroyed) return;
    if (this.answered) {
      // The app's connection dropped mid-body; without this the client would wait forever.
      res.destroy();
      return;
    }
    if (this.canRetry(error)) {
      this.retried = true;
      upstream.pool.dispatch(this.options, this);
      return;
    }
    sendPlain(res, 502, unreachableReason(error, upstream));
  }

  private canRetry(error: NodeJS.ErrnoException): boolean {
    return (
      !this.retried &&
      this.options.body === null &&
      isConnectionLost(error) &&
      this.upstream.cutReason === null &&
      RETRYABLE_METHODS.has(this.options.method)
    );
  }

  private readonly onClientClosed = (): void => {
    this.finished = true;
    const { res } = this;
    if (!res.writableFinished) this.abort?.();
    // A 502 for an unreachable app is written by sendPlain, so it is counted here like the app's own answers.
    this.done(res.headersSent ? res.statusCode : NO_ANSWER, performance.now() - this.started);
  };
}

/** Sends one request on to `upstream` and streams the answer back; `done` runs once, when the client's response is over (sent or cut). */
export function forwardRequest(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  options: ForwardingOptions,
  done: RequestDone,
): void {
  new Exchange(upstream, req, res, options, done);
}
