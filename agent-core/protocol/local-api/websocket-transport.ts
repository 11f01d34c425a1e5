import { BerthError } from '../errors';
import type { Frame } from './frames';
import type { Transport } from './transport';

const OPEN = 1;

/** The part of a WebSocket the client needs: the browser's, and the `ws` package's (the CLI). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly url: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'open', listener: () => void): void;
  /** The `ws` package's error event carries a message; the browser's carries none. */
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}

/** A transport over an open WebSocket: one JSON text frame per local-API frame. */
export function createWebSocketTransport(socket: WebSocketLike): Transport {
  return {
    send(frame: Frame) {
      if (socket.readyState !== OPEN) throw new Error('the WebSocket to the agent is not open');
      socket.send(JSON.stringify(frame));
    },
    onFrame(listener) {
      socket.addEventListener('message', (event) => listener(parseFrame(event.data)));
    },
    onClose(listener) {
      socket.addEventListener('close', (event) => listener(event.reason || `WebSocket closed with code ${event.code}`));
    },
    close() {
      socket.close(1000, 'client closed');
    },
  };
}

/** Waits until the socket is open, then wraps it; refuses with the reason when it cannot open. */
export function openWebSocketTransport(socket: WebSocketLike): Promise<Transport> {
  if (socket.readyState === OPEN) return Promise.resolve(createWebSocketTransport(socket));
  return new Promise((resolve, reject) => {
    let settled = false;
    socket.addEventListener('open', () => {
      if (settled) return;
      settled = true;
      resolve(createWebSocketTransport(socket));
    });
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      reject(new BerthError('INTERNAL', `could not connect to the agent at ${socket.url}: ${reason}`));
    };
    socket.addEventListener('error', (event) => fail(event.message ?? 'the connection failed'));
    socket.addEventListener('close', (event) => fail(event.reason || `closed with code ${event.code}`));
  });
}

function parseFrame(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
