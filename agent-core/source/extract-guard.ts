import path from 'node:path';

/** What the guard needs of a tar entry (node-tar's ReadEntry has these). */
export interface ArchiveEntry {
  path: string;
  type: string;
  linkpath?: string;
}

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);

/** Why an entry path could land outside the extraction folder on some OS, or null when it cannot. */
export function entryPathProblem(entryPath: string): string | null {
  if (entryPath.length === 0 || entryPath.includes('\0')) return 'has an empty or invalid path';
  if (/^[\\/]/.test(entryPath)) return 'has an absolute path';
  // `C:x` is relative to drive C's current folder, `C:\x` absolute: both leave the target on Windows.
  if (/^[a-z]:/i.test(entryPath)) return 'has a path on a drive (C:…)';
  if (entryPath.split(/[\\/]/).includes('..')) return "has a '..' in its path";
  return null;
}

/** Why a symbolic link at `entryPath` pointing to `linkpath` could lead out of the extraction folder, or null. */
export function linkTargetProblem(entryPath: string, linkpath: string): string | null {
  if (linkpath.length === 0 || linkpath.includes('\0')) return 'is a link with an empty target';
  if (/^[\\/]/.test(linkpath) || /^[a-z]:/i.test(linkpath)) return `is a link to an absolute path (${linkpath})`;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(slashes(entryPath)), slashes(linkpath)));
  if (resolved === '..' || resolved.startsWith('../')) return `is a link that points outside the snapshot (${linkpath})`;
  return null;
}

/**
 * Decides entry by entry what may be extracted, and remembers the first refusal: hard links
 * (Berth never archives them), devices and fifos, paths that leave the folder, links that point
 * out of it, and anything written at or below a link the archive created earlier.
 */
export class ExtractionGuard {
  problem: string | null = null;
  /** The symbolic links allowed so far, as written in the archive. */
  readonly symlinks: string[] = [];
  private readonly symlinkKeys = new Set<string>();

  allow(entry: ArchiveEntry): boolean {
    if (this.problem !== null) return false;
    const problem = this.check(entry);
    if (problem !== null) {
      this.problem = `archive entry '${entry.path}' ${problem}`;
      return false;
    }
    if (entry.type === 'SymbolicLink') {
      this.symlinks.push(entry.path);
      this.symlinkKeys.add(entryKey(entry.path));
    }
    return true;
  }

  private check(entry: ArchiveEntry): string | null {
    if (entry.type === 'Link') return 'is a hard link, which snapshots never contain';
    if (!ALLOWED_TYPES.has(entry.type)) return `is of type ${entry.type}, which snapshots never contain`;
    const pathProblem = entryPathProblem(entry.path);
    if (pathProblem !== null) return pathProblem;
    const parts = entryKey(entry.path).split('/');
    for (let end = 1; end <= parts.length; end++) {
      const prefix = parts.slice(0, end).join('/');
      if (this.symlinkKeys.has(prefix)) return `would be written through the symbolic link '${prefix}'`;
    }
    return entry.type === 'SymbolicLink' ? linkTargetProblem(entry.path, entry.linkpath ?? '') : null;
  }
}

function slashes(text: string): string {
  return text.replace(/\\/g, '/');
}

// Folded so that `Link/x` counts as below `link` on the case-insensitive disks of Windows and macOS.
function entryKey(entryPath: string): string {
  return slashes(entryPath)
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
    .normalize('NFC')
    .toLowerCase();
}
