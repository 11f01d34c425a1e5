import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { responseHead } from './forwarding-headers';

/** Seconds a client is asked to wait before retrying while a slot has no healthy color. */
export const RETRY_AFTER_SECONDS = 5;

const STATUS_TEXT: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Unavailable' };

function headersFor(status: number, body: string): string[] {
  const headers = [
    'Content-Type', 'text/plain; charset=utf-8',
    'Content-Length', String(Buffer.byteLength(body)),
    'Cache-Control', 'no-store',
  ];
  if (status === 503) headers.push('Retry-After', String(RETRY_AFTER_SECONDS));
  return headers;
}

/**
 * Answers with a short plain-text reason from Berth itself (the app never saw the request), so a
 * person looking at the browser knows it was the proxy and why.
 */
export function sendPlain(res: ServerResponse, status: 502 | 503, reason: string): void {
  const body = `Berth: ${reason}\n`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, STATUS_TEXT[status], headersFor(status, body));
  res.end(body);
}

/** The same answer written onto a raw socket, for upgrade requests that never became a ServerResponse. */
export function writePlain(socket: Duplex, status: 502 | 503, reason: string): void {
  const body = `Berth: ${reason}\n`;
  if (socket.destroyed) return;
  socket.end(responseHead(status, STATUS_TEXT[status]!, [...headersFor(status, body), 'Connection', 'close']) + body);
}
