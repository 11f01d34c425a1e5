import { describe, expect, it } from 'vitest';
import { connectUrl, isLoopbackHost } from '../../agent-core/connection';
import { BerthError } from '../../agent-core/protocol';

const strict = { allowInsecureWs: false };

describe('connect url', () => {
  it('maps https to wss and appends the connect path to the path already there', () => {
    expect(connectUrl('https://cp.example.com/base', strict).href).toBe('wss://cp.example.com/base/agent/v1/connect');
    expect(connectUrl('https://cp.example.com/base/', strict).href).toBe('wss://cp.example.com/base/agent/v1/connect');
    expect(connectUrl('https://cp.example.com', strict).href).toBe('wss://cp.example.com/agent/v1/connect');
    expect(connectUrl('https://cp.example.com:8443/a/b?tenant=1', strict).href).toBe('wss://cp.example.com:8443/a/b/agent/v1/connect?tenant=1');
  });

  it('maps http to ws on this machine', () => {
    expect(connectUrl('http://127.0.0.1:8080', strict).href).toBe('ws://127.0.0.1:8080/agent/v1/connect');
    expect(connectUrl('http://localhost:8080/cp', strict).href).toBe('ws://localhost:8080/cp/agent/v1/connect');
    expect(connectUrl('http://[::1]:8080', strict).href).toBe('ws://[::1]:8080/agent/v1/connect');
  });

  it('refuses plain ws to another machine unless the settings allow it', () => {
    expect(() => connectUrl('http://cp.example.com', strict)).toThrow(/not encrypted/);
    expect(() => connectUrl('ws://10.0.0.5', strict)).toThrow(BerthError);
    expect(connectUrl('http://10.0.0.5:8080', { allowInsecureWs: true }).href).toBe('ws://10.0.0.5:8080/agent/v1/connect');
  });

  it('refuses what is not a server URL, and credentials in the URL', () => {
    expect(() => connectUrl('cp.example.com', strict)).toThrow(/not a URL/);
    expect(() => connectUrl('ftp://cp.example.com', strict)).toThrow(/https/);
    expect(() => connectUrl('https://user:secret@cp.example.com', strict)).toThrow(/user name or password/);
  });

  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', '128.0.0.1', 'example.com', '[::2]', 'localhost.example.com', 'app.localhost', 'evil.localhost']) expect(isLoopbackHost(host)).toBe(false);
  });
});
