import { isIP } from 'node:net';
import { BerthError } from '../protocol';
import { CONNECT_PATH } from '../protocol/control-plane';

const SCHEMES: Record<string, string> = { 'https:': 'wss:', 'http:': 'ws:', 'wss:': 'wss:', 'ws:': 'ws:' };

/**
 * True for 127.0.0.0/8, ::1 and localhost: the only hosts plain ws:// may reach without an explicit
 * setting. Not `*.localhost`: only some resolvers send those to loopback, others ask DNS for them.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * The WebSocket URL the agent dials for a configured server URL: the scheme mapped (https → wss,
 * http → ws) and `/agent/v1/connect` appended to the path already in the URL.
 */
export function connectUrl(serverUrl: string, options: { allowInsecureWs: boolean }): URL {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new BerthError('INVALID_PAYLOAD', `the server URL '${serverUrl}' is not a URL; set it to the control plane's address, like https://berth.example.com`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) {
    throw new BerthError('INVALID_PAYLOAD', `the server URL '${serverUrl}' must start with https:// (or http:// for a server on this machine)`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new BerthError('INVALID_PAYLOAD', 'the server URL must not carry a user name or password; the API key is kept in the OS keychain (berth-agent login)');
  }
  if (scheme === 'ws:' && !options.allowInsecureWs && !isLoopbackHost(url.hostname)) {
    throw new BerthError(
      'INVALID_PAYLOAD',
      `the server URL ${url.origin} is not encrypted and ${url.hostname} is not this machine, so the API key would cross the network in clear; ` +
        'use https://, or set allowInsecureWs in settings.json if the network is trusted',
    );
  }
  const connect = new URL(url.href);
  connect.protocol = scheme;
  connect.pathname = `${url.pathname.replace(/\/+$/, '')}${CONNECT_PATH}`;
  connect.hash = '';
  return connect;
}
