import type { IncomingMessage } from 'node:http';

// RFC 9110 §7.6.1: these describe one hop and must not be passed on. Transfer-Encoding is listed
// too: Node (to the client) and undici (to the app, chunked when there is no Content-Length) frame
// each side's body themselves.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Tokens of the Connection header that are hop-by-hop options themselves, not header names.
const CONNECTION_OPTIONS = new Set(['keep-alive', 'close', 'upgrade']);

export interface ForwardingOptions {
  /**
   * Keep the X-Forwarded-* and X-Real-IP headers a client sent (append to X-Forwarded-For) instead
   * of replacing them: only right when a trusted proxy stands in front of this one, otherwise a
   * client could claim any address.
   */
  trustForwardedHeaders: boolean;
}

/** Header names a Connection header declares hop-by-hop ("Connection: keep-alive, X-Trace"), or null when there are none. */
function declaredHopByHop(raw: readonly string[]): Set<string> | null {
  let declared: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1]!.split(',')) {
      const option = token.trim().toLowerCase();
      if (option === '' || CONNECTION_OPTIONS.has(option)) continue;
      (declared ??= new Set()).add(option);
    }
  }
  return declared;
}

function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The headers for the upstream request, as a flat [name, value, …] list (the shape of rawHeaders,
 * the shape Node takes as is): hop-by-hop headers dropped, X-Forwarded-For, -Proto and -Host set,
 * X-Real-IP set to the address the connection really comes from (never the one a client claims),
 * the client's Host kept so the app sees the address people used (`upstreamHost` where the client
 * sent none). For a WebSocket upgrade, `upgrade` is the protocol asked for and Connection/Upgrade
 * are set again.
 */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  options: ForwardingOptions,
  upstreamHost: string,
  upgrade: string | null = null,
): string[] {
  const raw = req.rawHeaders;
  const declared = declaredHopByHop(raw);
  const headers: string[] = [];
  let host = '';
  let forwardedFor = '';
  let forwardedProto = '';
  let forwardedHost = '';
  let realIp = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'host') {
      host = value;
    } else if (HOP_BY_HOP.has(lower) || lower === 'expect' || declared?.has(lower)) {
      // Expect is dropped because this server has already answered 100 Continue itself.
      continue;
    } else if (lower.startsWith('x-forwarded-') || lower === 'forwarded' || lower === 'x-real-ip') {
      if (!options.trustForwardedHeaders) continue;
      if (lower === 'x-real-ip') {
        realIp = value;
        continue;
      }
      if (lower === 'x-forwarded-for') {
        forwardedFor = forwardedFor === '' ? value : `${forwardedFor}, ${value}`;
        continue;
      }
      if (lower === 'x-forwarded-proto') {
        forwardedProto = value;
        continue;
      }
      if (lower === 'x-forwarded-host') {
        forwardedHost = value;
        continue;
      }
    }
    headers.push(name, value);
  }
  // An HTTP/1.0 client may send no Host, but the request upstream is HTTP/1.1, where it is required.
  if (host === '') headers.push('Host', upstreamHost);
  const client = clientAddress(req);
  headers.push('X-Forwarded-For', forwardedFor === '' ? client : `${forwardedFor}, ${client}`);
  headers.push('X-Forwarded-Proto', forwardedProto === '' ? 'http' : forwardedProto);
  const publicHost = forwardedHost === '' ? host : forwardedHost;
  if (publicHost !== '') headers.push('X-Forwarded-Host', publicHost);
  headers.push('X-Real-IP', realIp === '' ? client : realIp);
  if (upgrade !== null) headers.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  return headers;
}

/** The upstream response's headers for the client, hop-by-hop ones dropped (Node sets its own Connection and framing). */
export function downstreamResponseHeaders(raw: readonly string[]): string[] {
  const declared = declaredHopByHop(raw);
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || declared?.has(lower)) continue;
    headers.push(name, raw[i + 1]!);
  }
  return headers;
}

/** A head of an HTTP/1.1 response written by hand onto a raw socket (upgrade replies). */
export function responseHead(status: number, statusMessage: string, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${statusMessage}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}
