import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { BerthError } from '../protocol';
import { LOCAL_API_PROTOCOL, LOGIN_FRAGMENT_KEY, LOGIN_PATH, LoginExchangeRequest, sessionFromProtocols, type LoginExchangeResponse } from '../protocol/local-api';
import type { ServerTransport } from './api-session';
import { BrowserLogin, LOGIN_TOKEN_TTL_MS } from './browser-login';
import { API_PATH, newSecret, removeLocalApiFiles, writeEndpointFile, writeTokenFile } from './local-api-files';
import { bearerToken, browserOriginProblem, hostProblem, originProblem, sameSecret } from './request-guard';
import type { LocalApiServer } from './server';
import { securityHeaders, serveStatic } from './static-files';

const MAX_LOGIN_BODY_BYTES = 4096;
const LINK_REFUSED = "This login link was used already or has expired. Run 'berth-agent open' for a new one.";
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
// Below this many queued bytes a client counts as caught up again.
const DRAIN_BYTES = 64 * 1024;

export interface WebSocketServerOptions {
  server: LocalApiServer;
  storagePath: string;
  /** 0 (the default) lets the OS pick a free port. */
  port?: number;
  /** The built window to serve at /, or null to serve none. */
  rendererDir: string | null;
  /** The clock login links expire by (tests move it past the 15 minutes). */
  clock?: () => number;
}

/**
 * The local API over a WebSocket on 127.0.0.1, for headless mode: the CLI authenticates with the
 * token in `{storage}/local-api.token` (an Authorization header); a browser with the session secret
 * its page got at POST /login for a one-time code (a `Sec-WebSocket-Protocol` value, and only with
 * this agent's own Origin). Every request must name this agent in its Host header and, when it has
 * one, in its Origin.
 */
export class LocalApiWebSocketServer {
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly options: WebSocketServerOptions,
    readonly port: number,
    private readonly token: string,
    private readonly login: BrowserLogin,
  ) {}

  static async start(options: WebSocketServerOptions): Promise<LocalApiWebSocketServer> {
    const http = createServer();
    // A browser's upgrade offers the API's subprotocol beside its session; the answer names only the former.
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      handleProtocols: (offered) => (offered.has(LOCAL_API_PROTOCOL) ? LOCAL_API_PROTOCOL : false),
    });
    await listen(http, options.port ?? 0);
    const port = (http.address() as AddressInfo).port;
    const token = newSecret();
    const instance = new LocalApiWebSocketServer(http, wss, options, port, token, new BrowserLogin(LOGIN_TOKEN_TTL_MS, options.clock));
    http.on('request', (request, response) => instance.onRequest(request, response));
    http.on('upgrade', (request, socket, head) => instance.onUpgrade(request, socket, head));
    writeTokenFile(options.storagePath, token);
    writeEndpointFile(options.storagePath, { port, pid: process.pid });
    options.server.enableBrowserLogin(() => instance.loginUrl());
    return instance;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}${API_PATH}`;
  }

  /** A fresh one-time link that logs a browser into the window; its code is in the fragment, which no server is sent. */
  loginUrl(): string {
    return `${this.origin}/#${LOGIN_FRAGMENT_KEY}=${this.login.issue()}`;
  }

  async close(): Promise<void> {
    removeLocalApiFiles(this.options.storagePath, this.token);
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const refusal = hostProblem(request.headers.host, this.port);
    if (refusal !== null) return plain(response, 403, this.port, `${refusal}\n`);
    const url = new URL(request.url ?? '/', this.origin);
    if (url.pathname === LOGIN_PATH && request.method === 'POST') return void this.onLogin(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, this.port, 'only GET and HEAD are served here\n');
    if (url.pathname === API_PATH) return plain(response, 426, this.port, 'this path takes WebSocket connections only\n');
    serveStatic(this.options.rendererDir, this.port, request, response);
  }

  /**
   * The page trades the link's one-time code for a session secret. Only the window's own page may
   * ask (its Origin, and a JSON body, which no other page can send here without a CORS preflight
   * that this server never grants); the answer is never cached.
   */
  private async onLogin(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const foreign = browserOriginProblem(request.headers.origin, this.port);
    if (foreign !== null) return plain(response, 403, this.port, `${foreign}\n`);
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return plain(response, 415, this.port, 'a login is a JSON body\n');
    const body = await readBody(request, MAX_LOGIN_BODY_BYTES);
    const parsed = body === null ? null : LoginExchangeRequest.safeParse(parse(body));
    const session = parsed?.success ? this.login.redeem(parsed.data.code) : null;
    if (session === null) return plain(response, 403, this.port, `${LINK_REFUSED}\n`);
    const answer: LoginExchangeResponse = { session };
    response.writeHead(200, { ...securityHeaders(this.port), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify(answer));
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.upgradeRefusal(request);
    if (refusal !== null) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refusal.message}\n`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      this.options.server.accept(webSocketTransport(ws));
    });
  }

  private upgradeRefusal(request: IncomingMessage): { status: 401 | 403 | 404; message: string } | null {
    const host = hostProblem(request.headers.host, this.port);
    if (host !== null) return { status: 403, message: host };
    if (new URL(request.url ?? '/', this.origin).pathname !== API_PATH) return { status: 404, message: `the local API is at ${API_PATH}` };
    const origin = request.headers.origin;
    const foreign = originProblem(origin, this.port);
    if (foreign !== null) return { status: 403, message: foreign };
    const token = bearerToken(request.headers.authorization);
    if (token !== null) return sameSecret(token, this.token) ? null : { status: 401, message: 'wrong local-API token' };
    const session = sessionFromProtocols((request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim()));
    if (session !== null && browserOriginProblem(origin, this.port) === null && this.login.hasSession(session)) return null;
    return { status: 401, message: "log in first: open the link 'berth-agent open' prints" };
  }
}

function webSocketTransport(ws: WebSocket): ServerTransport {
  const drainListeners: (() => void)[] = [];
  const afterWrite = (): void => {
    if (ws.bufferedAmount < DRAIN_BYTES) for (const listener of drainListeners) listener();
  };
  return {
    send(frame) {
      ws.send(JSON.stringify(frame), afterWrite);
    },
    onFrame(listener) {
      ws.on('message', (data: RawData, isBinary: boolean) => listener(isBinary ? undefined : parse(data.toString())));
    },
    onClose(listener) {
      ws.on('close', (code: number, reason: Buffer) => listener(reason.toString() || `WebSocket closed with code ${code}`));
    },
    close() {
      ws.close(1000, 'agent closed the connection');
    },
    backlog: () => ws.bufferedAmount,
    onDrain(listener) {
      drainListeners.push(listener);
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request's body as text, or null when it is larger than `limit` bytes or breaks off. */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        request.destroy();
      } else chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', () => resolve(null));
  });
}

function plain(response: ServerResponse, status: number, port: number, text: string): void {
  response.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new BerthError('PORT_IN_USE', `port ${port} on 127.0.0.1 is in use; choose another one for the local API, or leave it out for a free one`));
      } else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
