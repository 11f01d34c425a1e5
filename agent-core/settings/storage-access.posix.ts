import { chmodSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Folders of the storage tree: only the agent's user may list, enter or change them. */
export const PRIVATE_FOLDER_MODE = 0o700;
/** Files of the storage tree: only the agent's user may read or write them. */
export const PRIVATE_FILE_MODE = 0o600;

// The working copies' own trees keep their modes (executables stay executable, a build keeps what
// it made); their top folders are private, which already keeps every other user out of them.
const COLORS = ['blue', 'green'];

/**
 * Makes the storage tree private to the agent's user on Linux and macOS: every folder 0700 and
 * every file 0600 (the database and its -wal/-shm, logs, snapshots, settings, the local API's
 * token), also a tree an older Berth left at 0755/0644. Under `slots/` only the folders down to
 * each working copy's top folder are changed. Symbolic links are neither followed nor changed.
 * Returns the paths whose mode could not be changed (owned by another user, say).
 */
export function securePosixStorage(storagePath: string): string[] {
  const failed: string[] = [];
  const tighten = (path: string, mode: number) => {
    try {
      chmodSync(path, mode);
    } catch {
      failed.push(path);
    }
  };
  const secureSlotsFolder = (slots: string) => {
    tighten(slots, PRIVATE_FOLDER_MODE);
    for (const workspace of subfolders(slots)) {
      tighten(workspace, PRIVATE_FOLDER_MODE);
      for (const slot of subfolders(workspace)) {
        // A single-mode slot's folder is its working copy; a blue-green slot's holds one per color.
        tighten(slot, PRIVATE_FOLDER_MODE);
        for (const color of COLORS) {
          const copy = join(slot, color);
          if (isFolder(copy)) tighten(copy, PRIVATE_FOLDER_MODE);
        }
      }
    }
  };
  const secureTree = (path: string) => {
    const stat = statOf(path);
    if (stat === null || stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      tighten(path, PRIVATE_FOLDER_MODE);
      for (const name of readdirSync(path)) secureTree(join(path, name));
    } else if (stat.isFile() && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) {
      tighten(path, PRIVATE_FILE_MODE);
    }
  };
  tighten(storagePath, PRIVATE_FOLDER_MODE);
  for (const name of readdirSync(storagePath)) {
    const path = join(storagePath, name);
    if (name === 'slots' && isFolder(path)) secureSlotsFolder(path);
    else secureTree(path);
  }
  return failed;
}

function subfolders(path: string): string[] {
  return readdirSync(path)
    .map((name) => join(path, name))
    .filter(isFolder);
}

function isFolder(path: string): boolean {
  const stat = statOf(path);
  return stat !== null && stat.isDirectory();
}

function statOf(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
