import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '../protocol';
import { loadIgnoreRules } from './ignore-rules';
import { isWithin } from './path-containment';
import { resolvePhysical } from './physical-path';

export interface TreeEntry {
  /** Relative to the snapshot root, '/' separated. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /**
   * Files keep only whether they are executable (0o755 or 0o644), as git does, so that the same
   * tree hashes the same on Windows, which has no mode bits; folders are 0o755, links 0o777.
   */
  mode: number;
  size: number;
  /** Where a link points, relative to the link's folder, '/' separated. */
  linkTarget?: string;
}

export interface SnapshotTree {
  /** The real path of the captured directory. */
  root: string;
  /** Sorted by path, each folder before what it holds. */
  entries: TreeEntry[];
  /** Files and links. */
  fileCount: number;
  /** The files' bytes. */
  sizeBytes: number;
}

export interface SnapshotLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { maxFiles: 100_000, maxBytes: 1024 ** 3 };

/**
 * Lists what a snapshot of the real folder `root` holds, after the ignore rules, refusing a tree
 * over the limits or a link that leads outside it. Sockets, pipes and devices are left out.
 */
export async function scanTree(root: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): Promise<SnapshotTree> {
  const ignored = await loadIgnoreRules(root);
  const entries: TreeEntry[] = [];
  let fileCount = 0;
  let sizeBytes = 0;

  const countFile = (size: number): void => {
    fileCount += 1;
    sizeBytes += size;
    if (fileCount > limits.maxFiles) {
      throw new BerthError('SOURCE_FAILED', `'${root}' holds more than ${limits.maxFiles} files after the ignore rules; ${TRIM_ADVICE}`);
    }
    if (sizeBytes > limits.maxBytes) {
      throw new BerthError('SOURCE_FAILED', `'${root}' holds more than ${formatLimit(limits.maxBytes)} after the ignore rules; ${TRIM_ADVICE}`);
    }
  };

  const visit = async (folder: string): Promise<void> => {
    const children = (await readdir(path.join(root, folder), { withFileTypes: true }))
      .map((child) => ({ child, relative: folder === '' ? child.name : `${folder}/${child.name}` }))
      // A pattern like `node_modules/` should also leave out a node_modules that is a link to a folder.
      .filter(({ child, relative }) => !ignored(relative, child.isDirectory()) && !(child.isSymbolicLink() && ignored(relative, true)));
    const stats = await Promise.all(children.map(({ relative }) => lstat(path.join(root, relative))));
    for (const [index, { relative }] of children.entries()) {
      const stat = stats[index];
      if (stat.isDirectory()) {
        entries.push({ path: relative, type: 'directory', mode: 0o755, size: 0 });
        await visit(relative);
      } else if (stat.isFile()) {
        countFile(stat.size);
        entries.push({ path: relative, type: 'file', mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size });
      } else if (stat.isSymbolicLink()) {
        countFile(0);
        entries.push({ path: relative, type: 'symlink', mode: 0o777, size: 0, linkTarget: await linkTarget(root, relative) });
      }
    }
  };

  await visit('');
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, entries, fileCount, sizeBytes };
}

const TRIM_ADVICE = `list what the app does not need (build output, caches, data) in a .berthignore file there`;

/** The link's target as stored in the snapshot, once it is known to stay inside `root` both as written and on disk. */
async function linkTarget(root: string, relative: string): Promise<string> {
  const full = path.join(root, relative);
  const raw = await readlink(full);
  const folder = path.dirname(full);
  const written = path.resolve(folder, raw);
  const onDisk = await resolvePhysical(folder, raw).catch(() => null);
  if (!isWithin(written, root) || onDisk === null || !isWithin(onDisk, root)) {
    throw new BerthError(
      'PATH_NOT_ALLOWED',
      `the symbolic link '${relative}' points outside '${root}' (to '${raw}'); remove it or list it in .berthignore`,
    );
  }
  return path.relative(folder, written).split(path.sep).join('/') || '.';
}

function formatLimit(bytes: number): string {
  return bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3} GiB` : `${bytes} bytes`;
}
