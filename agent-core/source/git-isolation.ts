import { lstatSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A working copy is written by the slot's own commands, so git must not take from it anything that
 * runs a program: a hook, an fsmonitor, or a repository-local config key (core.sshCommand,
 * core.askPass, credential.helper, filter/diff/merge drivers, core.pager, core.worktree,
 * url.*.insteadOf, include.path…). Two locks, both needed:
 * - every git call gets overriding config (GIT_CONFIG_*, which beats every config file) for the
 *   keys that name one program: hooks off, fsmonitor off, no askpass, no pager, no ext:: transport;
 * - before a deployment's first git call, `.git/config` is rewritten to the few keys Berth itself
 *   uses (LOCAL_CONFIG_KEYS), because the rest cannot be overridden one by one: a filter, diff or
 *   merge driver has a name the repository chooses (`filter.<any>.smudge`, picked by .gitattributes).
 * The user's own global and system git config are trusted: they belong to the person, not the slot.
 */
export function isolationConfig(): Array<[string, string]> {
  return [
    ['core.hooksPath', emptyHooksFolder()],
    ['core.fsmonitor', 'false'],
    ['core.askPass', ''],
    ['core.pager', 'cat'],
    ['protocol.ext.allow', 'never'],
  ];
}

/** What `.git/config` keeps: the repository's format, the file system's quirks and the origin. */
const LOCAL_CONFIG_KEYS = new Set([
  'core.repositoryformatversion',
  'core.filemode',
  'core.bare',
  'core.logallrefupdates',
  'core.symlinks',
  'core.ignorecase',
  'core.precomposeunicode',
  'extensions.objectformat',
  'extensions.refstorage',
  'remote.origin.url',
  'remote.origin.fetch',
]);

// Files in .git that make git read config from elsewhere: a linked worktree's config and common folder.
const REDIRECTING_FILES = ['config.worktree', 'commondir'];

let hooksFolder: string | null = null;

/**
 * An empty folder only the agent's user can write (mkdtemp: mode 0700, a name no one can guess
 * ahead), used as core.hooksPath; made again if anything was put in it.
 */
export function emptyHooksFolder(): string {
  if (hooksFolder !== null && isEmptyFolder(hooksFolder)) return hooksFolder;
  hooksFolder = mkdtempSync(join(tmpdir(), 'berth-no-hooks-'));
  return hooksFolder;
}

/**
 * A `.git` that is a file or a link (`gitdir: elsewhere`) sends git to another repository; it is
 * removed, so the working copy is initialised again. True when `workdir/.git` is a real folder.
 */
export function ownGitFolder(workdir: string): boolean {
  const dotGit = join(workdir, '.git');
  let stat;
  try {
    stat = lstatSync(dotGit);
  } catch {
    return false;
  }
  if (stat.isDirectory()) return true;
  rmSync(dotGit, { force: true });
  return false;
}

/**
 * Rewrites `.git/config` to the entries of `entries` (as `git config --list --null` prints them)
 * whose keys Berth uses, and removes the files that would read config from elsewhere.
 */
export function rewriteLocalConfig(workdir: string, entries: ReadonlyArray<[string, string]>): void {
  const gitFolder = join(workdir, '.git');
  for (const file of REDIRECTING_FILES) rmSync(join(gitFolder, file), { force: true, recursive: true });
  const kept = entries.filter(([key]) => LOCAL_CONFIG_KEYS.has(key.toLowerCase()) && key.toLowerCase() !== 'core.bare');
  const sections = new Map<string, string[]>();
  const add = (key: string, value: string) => {
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    const header = first === last ? `[${key.slice(0, first)}]` : `[${key.slice(0, first)} ${quote(key.slice(first + 1, last))}]`;
    const lines = sections.get(header) ?? [];
    lines.push(`\t${key.slice(last + 1)} = ${quote(value)}`);
    sections.set(header, lines);
  };
  if (!kept.some(([key]) => key.toLowerCase() === 'core.repositoryformatversion')) add('core.repositoryformatversion', '0');
  for (const [key, value] of kept) add(key, value);
  // A slot could have made the repository bare, which would turn checkout off.
  add('core.bare', 'false');
  const text = [...sections].map(([header, lines]) => `${header}\n${lines.join('\n')}\n`).join('');
  const path = join(gitFolder, 'config');
  const temporary = `${path}.berth-${process.pid}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Parses `git config --list --null`: each entry is `key\nvalue\0`. */
export function parseConfigList(output: string): Array<[string, string]> {
  return output
    .split('\0')
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const newline = entry.indexOf('\n');
      return newline === -1 ? [entry, 'true'] : [entry.slice(0, newline), entry.slice(newline + 1)];
    });
}

function quote(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

function isEmptyFolder(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}
