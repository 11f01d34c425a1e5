import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { rootCertificates } from 'node:tls';
import { WebSocket } from 'ws';
import { BerthError } from '../protocol';
import { CloseCode, MAX_FRAME_BYTES, SUBPROTOCOL } from '../protocol/control-plane';

export const PONG_TIMEOUT_MS = 10_000;
export const HANDSHAKE_TIMEOUT_MS = 15_000;

export interface SessionOptions {
  url: URL;
  apiKey: string;
  userAgent: string;
  /** A PEM file of extra certificate authorities, trusted beside the system's. */
  extraCaFile?: string | null;
  pingIntervalMs: number;
}

/** How a session ended. */
export type SessionEnd =
  | { kind: 'key-rejected'; detail: string }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'failed'; message: string };

interface SessionEvents {
  open: [];
  /** A text frame, or null for a binary one (the protocol has none). */
  message: [string | null];
  end: [SessionEnd];
}

/**
 * One WebSocket connection to the control plane: the upgrade with the key, liveness pings, the
 * frame size limit, and one `end` event however it ends. It knows nothing of the messages.
 */
export class Session extends EventEmitter<SessionEvents> {
  private readonly socket: WebSocket;
  private ended = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private tooLarge = false;

  constructor(options: SessionOptions) {
    super();
    this.socket = new WebSocket(options.url, SUBPROTOCOL, {
      headers: { Authorization: `Bearer ${options.apiKey}`, 'User-Agent': options.userAgent },
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      followRedirects: false,
      ca: options.extraCaFile ? [...rootCertificates, readCa(options.extraCaFile)] : undefined,
    });
    this.socket.on('unexpected-response', (request, response) => this.onUnexpectedResponse(request, response));
    this.socket.on('open', () => {
      this.schedulePing(options.pingIntervalMs);
      this.emit('open');
    });
    this.socket.on('message', (data, isBinary) => {
      this.emit('message', isBinary ? null : data.toString());
    });
    this.socket.on('pong', () => this.clearPongTimer());
    this.socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.tooLarge = true;
      else if (this.socket.readyState !== WebSocket.OPEN) this.end({ kind: 'failed', message: describeFailure(error) });
    });
    this.socket.on('close', (code, reason) => {
      this.end(this.tooLarge ? { kind: 'closed', code: CloseCode.tooLarge, reason: 'a frame from the server was larger than 1 MiB' } : { kind: 'closed', code, reason: reason.toString() });
    });
  }

  get isOpen(): boolean {
    return !this.ended && this.socket.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket and not yet written out. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /**
   * Sends one frame; false when the socket is not open or the frame is larger than the protocol
   * allows (it is then not sent at all). `onWritten` runs once the frame has left the process.
   */
  send(frame: object, onWritten?: () => void): boolean {
    if (!this.isOpen) return false;
    const text = JSON.stringify(frame);
    if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) return false;
    this.socket.send(text, (error) => {
      if (!error) onWritten?.();
    });
    return true;
  }

  /** Pings at the new interval from now on (the server's welcome sets it). */
  setPingInterval(intervalMs: number): void {
    if (this.isOpen) this.schedulePing(intervalMs);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CONNECTING) this.terminate();
    else this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
    this.end({ kind: 'closed', code: 1006, reason: 'connection ended by the agent' });
  }

  private onUnexpectedResponse(request: ClientRequest, response: IncomingMessage): void {
    const status = response.statusCode ?? 0;
    response.resume();
    request.destroy();
    if (status === 401 || status === 403) {
      this.end({ kind: 'key-rejected', detail: `HTTP ${status}` });
    } else if (status >= 300 && status < 400) {
      this.end({ kind: 'failed', message: `the server redirected the connection (HTTP ${status}) to ${response.headers.location ?? 'another address'}; set the server URL to the final address` });
    } else {
      this.end({ kind: 'failed', message: `the server answered HTTP ${status} instead of accepting the WebSocket; check the server URL` });
    }
  }

  private schedulePing(intervalMs: number): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.isOpen) return;
      this.socket.ping();
      this.pongTimer ??= setTimeout(() => {
        this.socket.terminate();
        this.end({ kind: 'closed', code: 1006, reason: `no pong within ${PONG_TIMEOUT_MS / 1000} s` });
      }, PONG_TIMEOUT_MS);
    }, intervalMs);
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private end(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.clearPongTimer();
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.terminate();
    this.emit('end', end);
  }
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new BerthError('INVALID_PAYLOAD', `cannot read the extra CA file ${path} (extraCaFile in settings.json): ${(error as Error).message}`);
  }
}

/** Why a session that ended without a rejected key, a replacement or an unsupported protocol ended, for people. */
export function describeEnd(end: Exclude<SessionEnd, { kind: 'key-rejected' }>): string {
  if (end.kind === 'failed') return end.message;
  if (end.code === CloseCode.tooLarge) return `a frame was larger than 1 MiB (close code 1009)${end.reason ? `: ${end.reason}` : ''}`;
  if (end.code === 1006) return end.reason || 'the connection was lost';
  return `the server closed the connection (code ${end.code}${end.reason ? `: ${end.reason}` : ''})`;
}

function describeFailure(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the server refused the connection (is it running at that address?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name could not be resolved';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      return error.message;
  }
}
