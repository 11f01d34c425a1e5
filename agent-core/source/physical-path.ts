import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';

// Linux's own limit (MAXSYMLINKS) on links followed while resolving one path.
const MAX_LINKS = 40;

/**
 * Where `relative`, followed from the real folder `base`, leads on disk: symbolic links are
 * resolved one component at a time as the OS does (so `link/..` is the parent of the link's
 * target, not `.`), and components that do not exist yet are taken as written.
 */
export async function resolvePhysical(base: string, relative: string): Promise<string> {
  return walk(base, relative, { links: 0 });
}

async function walk(base: string, relative: string, followed: { links: number }): Promise<string> {
  let current = base;
  for (const part of relative.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    const stats = await lstat(next).catch(() => null);
    if (stats === null || !stats.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++followed.links > MAX_LINKS) throw new Error(`too many levels of symbolic links at ${next}`);
    const target = await readlink(next);
    current = path.isAbsolute(target)
      ? await walk(path.parse(target).root, target.slice(path.parse(target).root.length), followed)
      : await walk(current, target, followed);
  }
  return current;
}
