import { BerthError, type Repository } from '../protocol';

/** What one git call runs with: its environment, the guarded keys simple-git may pass, the spellings to redact. */
export interface GitCallEnvironment {
  env: Record<string, string>;
  allowEnvironment: string[];
  secrets: string[];
}

// GitHub's convention; GitLab, Gitea and Azure DevOps accept any user name beside a token.
const DEFAULT_TOKEN_USER = 'x-access-token';

// Ambient git variables that configure the machine (its CA bundle, its ssh) rather than redirect
// the call to another repository, index or config the way GIT_DIR or GIT_CONFIG_* would.
const PASSED_THROUGH = new Set(['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT']);

// Programs git would start to ask a person something; a deploy agent has no one to ask.
const INTERACTIVE = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

const IDENTITY = { name: 'Berth', email: 'berth@localhost' };

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const ALLOWED_SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'file']);

// Access tokens people paste as a clone URL's user name (`https://ghp_…@github.com/…`, which GitHub
// accepts): GitHub's, GitLab's and Atlassian's announce themselves by a prefix.
const TOKEN_PREFIX = /^(gh[pousr]_|github_pat_|glpat-|gldt-|glptt-|glrt-|ATBB|ATATT)/;

/** Why git must not be pointed at `url`, or null when it may. */
export function repositoryUrlProblem(url: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url)) return 'contains a control character';
  if (url.startsWith('-')) return "starts with '-'";
  if (/^[a-z0-9+.-]+::/i.test(url)) return 'names a remote helper (<transport>::<address>), which Berth does not run';
  const scheme = SCHEME.exec(url)?.[1].toLowerCase();
  if (scheme === undefined) return null;
  if (!ALLOWED_SCHEMES.has(scheme)) return `uses the scheme '${scheme}'; use https, ssh, git, file or a local path`;
  const parsed = parseUrl(url);
  if (parsed?.password) return 'carries a password; give it as the repository token instead, so it is never stored';
  // A user name is normal for ssh (git@host) and beside a token over https (deploy-bot@host); a token is not.
  if ((scheme === 'https' || scheme === 'http') && parsed?.username && looksLikeToken(safeDecode(parsed.username))) {
    return 'carries an access token as its user name; put the token in repository.token instead, so it is never stored in the URL';
  }
  return null;
}

/**
 * True for a user name that is an access token: a known token prefix, or a long random run of
 * letters and digits (old GitHub and Gitea tokens are 40 hex digits, Azure DevOps ones 52 base32
 * characters). Names of people, bots and organisations are words: they switch between letters and
 * digits a few times at most.
 */
function looksLikeToken(user: string): boolean {
  if (TOKEN_PREFIX.test(user)) return true;
  if (!/^[A-Za-z0-9_-]{20,}$/.test(user)) return false;
  const switches = user.match(/[A-Za-z](?=\d)|\d(?=[A-Za-z])/g)?.length ?? 0;
  return switches >= 4;
}

/**
 * The environment for a git call against `repository`. The token travels only in this environment
 * (GIT_CONFIG_* entries, which git reads as `-c` options without putting them in argv, where every
 * user on the machine could read them) as an Authorization header scoped to the remote's origin;
 * credential helpers are switched off so that git neither stores the token nor opens a login window.
 */
export function gitCallEnvironment(
  repository: Repository,
  ambient: NodeJS.ProcessEnv = process.env,
  isolation: ReadonlyArray<[string, string]> = [],
): GitCallEnvironment {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(ambient)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (INTERACTIVE.has(upper)) continue;
    // The agent's own settings and key (BERTH_API_KEY) are nothing git or a program it starts needs.
    if (upper.startsWith('BERTH_')) continue;
    if (upper.startsWith('GIT_') && !PASSED_THROUGH.has(upper)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    // git's messages are matched to tell a missing branch from bad credentials; they must be English.
    LC_ALL: 'C',
    GIT_AUTHOR_NAME: IDENTITY.name,
    GIT_AUTHOR_EMAIL: IDENTITY.email,
    GIT_COMMITTER_NAME: IDENTITY.name,
    GIT_COMMITTER_EMAIL: IDENTITY.email,
  });

  const config: Array<[string, string]> = [
    ['commit.gpgSign', 'false'],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ...isolation,
  ];
  const secrets: string[] = [];
  const header = tokenHeader(repository);
  if (header !== null) {
    config.push([`http.${header.origin}/.extraHeader`, `Authorization: Basic ${header.basic}`]);
    config.push(['credential.helper', '']);
    secrets.push(header.token, header.basic);
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });

  const allowEnvironment = Object.keys(env).filter((key) => key.toUpperCase().startsWith('GIT_'));
  return { env, allowEnvironment, secrets };
}

/** The token's Basic credentials for an https remote, or null when the remote does not take a token. */
function tokenHeader(repository: Repository): { origin: string; basic: string; token: string } | null {
  const token = repository.token;
  if (!token) return null;
  const url = parseHttpUrl(repository.url);
  if (url === null) return null;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new BerthError(
      'SOURCE_FAILED',
      `refusing to send the repository token over plain http to ${url.host}; use an https URL`,
    );
  }
  const user = url.username ? decodeURIComponent(url.username) : DEFAULT_TOKEN_USER;
  return { origin: url.origin, basic: Buffer.from(`${user}:${token}`, 'utf8').toString('base64'), token };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseHttpUrl(url: string): URL | null {
  return /^https?:\/\//i.test(url) ? parseUrl(url) : null;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
