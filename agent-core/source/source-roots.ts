import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '../protocol';
import { isWithin, type PathApi } from './path-containment';

/** Why `directory` may not be captured given the configured roots (compared as written), or null. */
export function sourceRootProblem(directory: string, sourceRoots: readonly string[], api: PathApi = path): string | null {
  if (sourceRoots.length === 0) {
    return 'no source roots are configured on this host; add one with --source-root or in settings.json';
  }
  if (!isFullyQualified(directory, api)) {
    return `'${directory}' is not an absolute path`;
  }
  if (!sourceRoots.some((root) => isWithin(directory, root, api))) {
    return `'${directory}' is not under a configured source root (${sourceRoots.join(', ')})`;
  }
  return null;
}

/**
 * The real path of `directory` once it is known to lie under one of `sourceRoots`. The path as
 * written is checked before the disk is touched (so a refused path learns nothing about what
 * exists), then again after symlinks and junctions are resolved (so a link under a root cannot
 * lead out of it).
 */
export async function resolveAllowedDirectory(directory: string, sourceRoots: readonly string[]): Promise<string> {
  const written = sourceRootProblem(directory, sourceRoots);
  if (written !== null) throw new BerthError('PATH_NOT_ALLOWED', written);

  let real: string;
  try {
    real = await realpath(directory);
  } catch {
    throw new BerthError('SOURCE_FAILED', `directory '${directory}' does not exist or cannot be read`);
  }
  const realRoots = await Promise.all(sourceRoots.map((root) => realpath(root).catch(() => null)));
  if (!realRoots.some((root) => root !== null && isWithin(real, root))) {
    throw new BerthError('PATH_NOT_ALLOWED', `'${directory}' leads to '${real}', which is not under a configured source root`);
  }
  return real;
}

// path.win32 calls `\apps` absolute, yet it means a folder on whichever drive is current (and
// `C:apps` one below C:'s current folder); only `C:\…` or a UNC share `\\server\share\…` names one place.
function isFullyQualified(directory: string, api: PathApi): boolean {
  return api === path.win32 ? /^([a-z]:[\\/]|[\\/]{2}[^\\/])/i.test(directory) : api.isAbsolute(directory);
}
