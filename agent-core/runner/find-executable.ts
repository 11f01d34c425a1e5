import { statSync, accessSync, constants } from 'node:fs';
import { posix, win32 } from 'node:path';
import { environmentValue, type EnvironmentLayer } from './environment';

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/** Finds the first of `names` on PATH, trying PATHEXT extensions on Windows when a name has none. */
export type FindExecutable = (names: string[]) => string | null;

/** A finder that searches the PATH the child process will get, not necessarily the agent's own. */
export function executableFinder(env: EnvironmentLayer, platform: NodeJS.Platform = process.platform): FindExecutable {
  const path = platform === 'win32' ? win32 : posix;
  const directories = (environmentValue(env, 'PATH', platform) ?? '')
    .split(platform === 'win32' ? ';' : ':')
    .map((entry) => entry.trim().replace(/^"(.*)"$/, '$1'))
    .filter((entry) => entry.length > 0);
  const extensions = (environmentValue(env, 'PATHEXT', platform) ?? DEFAULT_PATHEXT)
    .split(';')
    .filter((extension) => extension.length > 0);
  const candidatesFor = (name: string): string[] =>
    platform !== 'win32' || path.extname(name) !== '' ? [name] : extensions.map((extension) => name + extension);
  return (names) => {
    for (const name of names) {
      for (const directory of directories) {
        for (const candidate of candidatesFor(name)) {
          const full = path.join(directory, candidate);
          if (isExecutableFile(full, platform)) return full;
        }
      }
    }
    return null;
  };
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
