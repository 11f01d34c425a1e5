import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rememberSecrets } from '../../agent-core/runner/known-secrets';
import { MIN_SECRET_LENGTH, Redactor, redactText } from '../../agent-core/runner/redactor';

function streamed(secrets: readonly string[], chunks: readonly string[]): string {
  const redactor = new Redactor(secrets);
  return chunks.map((chunk) => redactor.push(chunk)).join('') + redactor.flush();
}

/** The range of base64 characters that encode only bytes [start, end) of the encoded bytes. */
function base64Inner(start: number, end: number): { from: number; to: number } {
  return { from: Math.ceil((start * 8) / 6), to: Math.floor((end * 8) / 6) };
}

describe('redactor', () => {
  const secret = 'ghp_Sup3rS3cretT0ken';

  it('never lets a secret split across two chunks through, at any split point', () => {
    const text = `cloning with ${secret} done\r\n`;
    for (let split = 0; split <= text.length; split++) {
      const output = streamed([secret], [text.slice(0, split), text.slice(split)]);
      expect(output, `split at ${split}`).toBe('cloning with *** done\r\n');
    }
  });

  it('never lets a secret split across three chunks through, at any pair of split points', () => {
    const text = `a ${secret} b`;
    for (let first = 0; first <= text.length; first++) {
      for (let second = first; second <= text.length; second++) {
        const chunks = [text.slice(0, first), text.slice(first, second), text.slice(second)];
        expect(streamed([secret], chunks), `splits at ${first}, ${second}`).toBe('a *** b');
      }
    }
  });

  it('masks a secret written one character at a time', () => {
    const text = `x${secret}y${secret}`;
    expect(streamed([secret], [...text])).toBe('x***y***');
  });

  it('holds back only the tail that could still become a secret', () => {
    const redactor = new Redactor([secret]);
    expect(redactor.push('token: ghp_Sup')).toBe('token: ');
    expect(redactor.push('3rS3cretT0ken\r\nnext')).toBe('***\r\nnext');
    expect(redactor.push(' ghp_Sux')).toBe(' ghp_Sux');
    expect(redactor.flush()).toBe('');
  });

  it('passes text without secrets through unchanged and without delay', () => {
    const redactor = new Redactor([secret]);
    const lines = ['npm ci\r\n', '\x1b[32madded 312 packages\x1b[0m in 4s\r\n', 'listening on :41873\r\n'];
    for (const line of lines) expect(redactor.push(line)).toBe(line);
    expect(redactor.flush()).toBe('');
    const none = new Redactor([]);
    for (const line of lines) expect(none.push(line)).toBe(line);
  });

  it('masks each line of a multi-line secret, with \\n and with \\r\\n line ends', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END KEY-----';
    const lines = key.split('\n');
    expect(streamed([key], [`key:\n${key}\n`])).toBe('key:\n***\n');
    expect(streamed([key], [`key:\r\n${lines.join('\r\n')}\r\n`])).toBe('key:\r\n***\r\n');
    const oneLineEach = lines.map((line) => `> ${line}\r\n`);
    const output = streamed([key], oneLineEach);
    for (const line of lines) expect(output).not.toContain(line);
    expect(output).toBe('> ***\r\n'.repeat(lines.length));
  });

  it('masks a real PEM private key printed through a terminal in small chunks', () => {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const printed = `$ cat key.pem\r\n${privateKey.replace(/\n/g, '\r\n')}$ `;
    const output = streamed([privateKey], printed.match(/[^]{1,50}/g) ?? []);
    expect(output).toBe('$ cat key.pem\r\n***$ ');
  });

  it('masks the secret in base64 text at all three byte alignments', () => {
    for (let prefix = 0; prefix < 6; prefix++) {
      const lead = 'Authorization: Basic '.slice(0, prefix + 10);
      const plain = Buffer.from(`${lead}${secret}:x-oauth`, 'utf8');
      const start = Buffer.byteLength(lead);
      const encoded = plain.toString('base64');
      const { from, to } = base64Inner(start, start + Buffer.byteLength(secret));
      const expected = `${encoded.slice(0, from)}***${encoded.slice(to)}`;
      expect(streamed([secret], [encoded]), `offset ${start % 3}`).toBe(expected);
      const chunks = encoded.match(/.{1,5}/g) ?? [];
      expect(streamed([secret], chunks), `offset ${start % 3}, in 5-character chunks`).toBe(expected);
    }
  });

  it('masks the URL-encoded forms of a secret', () => {
    const password = 'p@ss word/&=?+é';
    const encoded = encodeURIComponent(password);
    const formEncoded = new URLSearchParams({ password }).toString();
    expect(redactText(`GET /login?password=${encoded}&next=/`, [password])).toBe('GET /login?password=***&next=/');
    expect(redactText(`POST ${formEncoded}`, [password])).toBe('POST password=***');
    expect(redactText(`q=${encoded.replace(/%20/g, '+')}`, [password])).toBe('q=***');
  });

  it('masks the JSON-escaped form of a secret', () => {
    const value = 'he said "hi"\\ \tthen\nleft';
    const json = JSON.stringify({ token: value, ok: true });
    expect(streamed([value], [json.slice(0, 15), json.slice(15)])).toBe('{"token":"***","ok":true}');
  });

  it(`leaves secrets shorter than ${MIN_SECRET_LENGTH} characters alone`, () => {
    expect(redactText('abc: all abc tests passed', ['abc'])).toBe('abc: all abc tests passed');
    expect(redactText('abcd: all abcd tests passed', ['abcd'])).toBe('***: all *** tests passed');
  });

  it('masks the longest secret when one secret contains another', () => {
    expect(redactText('user=admin:admin-password!', ['admin', 'admin:admin-password!'])).toBe('user=***');
  });

  it('redacts a one-shot text such as an error message', () => {
    const message = `git clone https://x-access-token:${secret}@github.com/acme/web.git failed`;
    expect(redactText(message, [secret, 'unused-secret'])).toBe('git clone https://x-access-token:***@github.com/acme/web.git failed');
  });

  it('masks every secret the agent knows, also one it learned after the redactor was made', () => {
    const redactor = new Redactor(['own-secret-value']);
    const before = redactor.push('own-secret-value and agent-wide-key-8812 ');
    rememberSecrets(['learned-later-5531']);
    const after = redactor.push('then learned-later-5531 ') + redactor.flush();
    expect(before + after).toBe('*** and agent-wide-key-8812 then *** ');
    expect(redactText('agent-wide-key-8812', [])).toBe('agent-wide-key-8812');
    rememberSecrets(['agent-wide-key-8812']);
    expect(redactText('key agent-wide-key-8812', [])).toBe('key ***');
  });
});
