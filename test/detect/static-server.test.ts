import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATIC_SERVER_SCRIPT } from '../../agent-core/detect';
import { findFreePort } from '../../agent-core/traffic';
import { httpRequest } from '../fixtures/http-request';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

describe("Berth's static server", () => {
  const outside = makeTempDir('berth-static-outside-');
  const site = makeTempDir('berth-static-');
  let server: ChildProcess;
  let base: string;
  let escape: string;

  beforeAll(async () => {
    writeFileSync(join(outside.path, 'secret.txt'), 'not for the web');
    const root = join(site.path, 'site');
    escape = relative(root, join(outside.path, 'secret.txt')).split('\\').join('/');
    mkdirSync(join(root, 'assets'), { recursive: true });
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
    writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
    writeFileSync(join(root, 'assets', 'data.bin'), 'x');
    const port = await findFreePort({ range: [44000, 44999] });
    base = `http://127.0.0.1:${port}`;
    // As the runner runs a `node` command: the body with -e, in the command's working directory, with PORT.
    server = spawn(process.execPath, ['-e', STATIC_SERVER_SCRIPT], { cwd: root, env: { PATH: process.env.PATH, PORT: String(port) }, stdio: 'ignore' });
    await waitFor(() => httpRequest(`${base}/`).then(() => true), 'the static server to listen');
  });

  afterAll(() => {
    server?.kill();
    site.cleanup();
    outside.cleanup();
  });

  it('answers each file with the content type of its extension', async () => {
    const types = await Promise.all(['/index.html', '/assets/app.js', '/assets/style.css', '/assets/logo.svg', '/assets/data.bin'].map((path) => httpRequest(base + path)));
    expect(types.map((answer) => [answer.status, answer.headers['content-type']])).toEqual([
      [200, 'text/html; charset=utf-8'],
      [200, 'text/javascript; charset=utf-8'],
      [200, 'text/css; charset=utf-8'],
      [200, 'image/svg+xml'],
      [200, 'application/octet-stream'],
    ]);
    expect(types[1]!.body).toBe('console.log(1)');
  });

  it("serves a folder's index.html, and the top index.html for a page a browser asks for by an app route", async () => {
    expect((await httpRequest(`${base}/docs/`)).body).toBe('<h1>docs</h1>');
    expect((await httpRequest(`${base}/orders/42`, { headers: { Accept: 'text/html,*/*' } })).body).toBe('<h1>home</h1>');
    expect((await httpRequest(`${base}/healthz`)).status).toBe(404);
    expect((await httpRequest(`${base}/missing.png`)).status).toBe(404);
  });

  it('never serves a file outside its folder', async () => {
    expect(escape).toMatch(/^\.\.\//);
    const encoded = escape.replaceAll('.', '%2e').replaceAll('/', '%2f');
    for (const path of [`/${escape}`, `/${encoded}`, `/static/%2f${encoded}`]) {
      const answer = await httpRequest(base + path);
      expect(answer.body, path).not.toContain('not for the web');
    }
    expect((await httpRequest(`${base}/`, { method: 'POST' })).status).toBe(405);
  });
});
