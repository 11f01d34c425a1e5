import path from 'node:path';

export type PathApi = typeof path.posix;

/**
 * `target` as it can be compared with other paths on that platform: absolute, normalized, without a
 * trailing separator, and on Windows without the `\\?\` long-path prefix and case-folded (NTFS
 * names are case-insensitive, so `C:\Apps` and `c:\apps` are the same folder).
 */
export function comparablePath(target: string, api: PathApi = path): string {
  let normalized = api.resolve(target);
  if (api === path.win32) {
    normalized = normalized.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\\?\\/, '');
    normalized = api.resolve(normalized).toLowerCase();
  }
  const root = api.parse(normalized).root;
  return normalized.length > root.length ? normalized.replace(/[\\/]+$/, '') : normalized;
}

/** True when `child` is `parent` itself or lies below it (after `comparablePath`). */
export function isWithin(child: string, parent: string, api: PathApi = path): boolean {
  const relative = api.relative(comparablePath(parent, api), comparablePath(child, api));
  if (relative === '') return true;
  if (api.isAbsolute(relative)) return false;
  const first = relative.split(/[\\/]/)[0];
  return first !== '..';
}

/** True when `child` lies strictly below `parent`. */
export function isStrictlyWithin(child: string, parent: string, api: PathApi = path): boolean {
  return isWithin(child, parent, api) && comparablePath(child, api) !== comparablePath(parent, api);
}
