import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { prepareGitSource } from '../../agent-core/source';
import { gitCallEnvironment } from '../../agent-core/source/git-auth';
import { gitFailure } from '../../agent-core/source/git-errors';
import { createGitOrigin, git, type GitOrigin } from '../fixtures/git-origin';
import { startGitHttpServer, type GitHttpServer } from '../fixtures/git-http-server';
import { makeTempDir } from '../fixtures/temp-dir';

const TOKEN = 'ghp_s3cretT0kenValue42';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((file) => statSync(file).isFile());
}

describe('git auth', () => {
  let origin: GitOrigin;
  let server: GitHttpServer;
  let temp: { path: string; cleanup: () => void };
  let workdir: string;
  let url: string;

  beforeEach(async () => {
    origin = createGitOrigin({ 'app.txt': 'private\n' });
    server = await startGitHttpServer({ projectRoot: origin.root, token: TOKEN });
    url = server.url('origin.git');
    temp = makeTempDir('berth-workdir-');
    workdir = join(temp.path, 'qa-1');
  });

  afterEach(async () => {
    await server.close();
    temp.cleanup();
    origin.cleanup();
  });

  it('fetches a private https remote with the token and leaves no trace of it in the working copy', async () => {
    const result = await prepareGitSource({ workdir, repository: { url, token: TOKEN }, branch: 'main' });

    expect(result.subject).toBe('Initial commit');
    expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('private\n');
    expect(server.requests.some((request) => request.authorization === `Basic ${BASIC}`)).toBe(true);
    expect(server.requests.every((request) => !request.url.includes(TOKEN))).toBe(true);
    expect(git(workdir, ['remote', 'get-url', 'origin'])).toBe(url);
    for (const file of filesUnder(join(workdir, '.git'))) {
      const content = readFileSync(file).toString('latin1');
      expect(content, file).not.toContain(TOKEN);
      expect(content, file).not.toContain(BASIC);
    }
  });

  it.skipIf(process.platform === 'win32')('never puts the token on the command line of a git process', async () => {
    const shim = join(temp.path, 'bin');
    const argvLog = join(temp.path, 'argv.log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    mkdirSync(shim);
    writeFileSync(join(shim, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${shim}${delimiter}${path}`;
    try {
      await prepareGitSource({ workdir, repository: { url, token: TOKEN }, branch: 'main' });
    } finally {
      process.env.PATH = path;
    }

    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toContain('fetch');
    expect(argv).not.toContain(TOKEN);
    expect(argv).not.toContain(BASIC);
  });

  it('fetches again on a later deployment, giving the token anew', async () => {
    await prepareGitSource({ workdir, repository: { url, token: TOKEN }, branch: 'main' });
    const head = origin.commit('main', { 'app.txt': 'private v2\n' }, 'Version 2');

    const result = await prepareGitSource({ workdir, repository: { url, token: TOKEN }, branch: 'main' });

    expect(result.commit).toBe(head);
  });

  it('explains that a wrong token was refused, without repeating it', async () => {
    const wrong = 'ghp_wrongTokenValue0001';

    const error = await prepareGitSource({ workdir, repository: { url, token: wrong }, branch: 'main' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BerthError);
    const { code, message } = error as BerthError;
    expect(code).toBe('SOURCE_FAILED');
    expect(message).toContain(`could not sign in to the repository at ${url}: the token was refused`);
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString('base64'));
  });

  it('asks for a token when a private remote is given none', async () => {
    await expect(prepareGitSource({ workdir, repository: { url }, branch: 'main' })).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringContaining('it needs credentials: give the slot a repository token'),
    });
  });

  it('refuses to send the token over plain http to a host other than this machine', async () => {
    await expect(
      prepareGitSource({ workdir, repository: { url: 'http://git.example.com/acme/web.git', token: TOKEN }, branch: 'main' }),
    ).rejects.toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining('use an https URL') });
  });

  it('refuses a repository URL that carries a password', async () => {
    await expect(
      prepareGitSource({ workdir, repository: { url: `https://bob:${TOKEN}@git.example.com/web.git` }, branch: 'main' }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.not.stringContaining(TOKEN) });
  });
});

describe('git call environment', () => {
  it('carries the token only in a config value scoped to the remote, with credential helpers off', () => {
    const call = gitCallEnvironment({ url: 'https://git.example.com/acme/web.git', token: TOKEN }, { PATH: '/usr/bin' });

    const withToken = Object.entries(call.env).filter(([, value]) => value.includes(BASIC));
    expect(withToken).toHaveLength(1);
    const [key] = withToken[0];
    expect(key).toMatch(/^GIT_CONFIG_VALUE_\d+$/);
    expect(call.env[key.replace('VALUE', 'KEY')]).toBe('http.https://git.example.com/.extraHeader');
    expect(Object.entries(call.env)).toContainEqual([expect.stringMatching(/^GIT_CONFIG_KEY_/), 'credential.helper']);
    expect(call.env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(call.secrets).toEqual(expect.arrayContaining([TOKEN, BASIC]));
  });

  it('uses the user name written in the URL beside the token', () => {
    const call = gitCallEnvironment({ url: 'https://deploy-bot@bitbucket.example.com/acme/web.git', token: TOKEN }, {});

    expect(Object.values(call.env)).toContain(`Authorization: Basic ${Buffer.from(`deploy-bot:${TOKEN}`).toString('base64')}`);
  });

  it('drops inherited variables that would send git to another repository or start a program', () => {
    const call = gitCallEnvironment(
      { url: 'file:///srv/web.git' },
      { PATH: '/usr/bin', GIT_DIR: '/elsewhere/.git', GIT_CONFIG_PARAMETERS: "'core.pager=evil'", EDITOR: 'vim', GIT_SSL_CAINFO: '/etc/ca.pem' },
    );

    expect(call.env.GIT_DIR).toBeUndefined();
    expect(call.env.GIT_CONFIG_PARAMETERS).toBeUndefined();
    expect(call.env.EDITOR).toBeUndefined();
    expect(call.env.GIT_SSL_CAINFO).toBe('/etc/ca.pem');
    expect(call.env.PATH).toBe('/usr/bin');
    expect(call.secrets).toEqual([]);
  });
});

describe('git failure', () => {
  it('masks the token and its base64 form in a git error that echoes them', () => {
    const error = gitFailure(new Error(`fatal: unable to access 'https://x/': header Authorization: Basic ${BASIC} token=${TOKEN}`), {
      operation: 'fetch',
      url: 'https://x/',
      workdir: '/w',
      tokenGiven: true,
      secrets: [TOKEN, BASIC],
      aborted: false,
    });

    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(BASIC);
    expect(error.message).toContain('***');
  });
});
