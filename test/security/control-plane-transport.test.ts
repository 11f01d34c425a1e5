import { describe, expect, it } from 'vitest';
import { connectUrl } from '../../agent-core/connection';

// Door: `*.localhost` names are sent to loopback by some resolvers and to DNS by others (Node's
// lookup on Linux asks DNS), so a plain ws:// URL naming one could carry the API key in clear
// to another machine.

describe('control-plane transport', () => {
  it('does not treat *.localhost as loopback for plain ws', () => {
    const strict = { allowInsecureWs: false };
    for (const url of ['http://cp.localhost:8080', 'ws://evil.localhost', 'http://localhost.evil.example', 'http://127.0.0.1.nip.io']) {
      expect(() => connectUrl(url, strict), url).toThrow(/not encrypted/);
    }
    for (const url of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://127.9.9.9:8080', 'http://[::1]:8080']) {
      expect(connectUrl(url, strict).protocol, url).toBe('ws:');
    }
    expect(connectUrl('https://cp.localhost', strict).protocol).toBe('wss:');
  });
});
