import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** The OS app-data folder for Berth, where the desktop app keeps its storage too. */
export function defaultStoragePath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return win32.join(env.APPDATA ?? win32.join(homedir(), 'AppData', 'Roaming'), 'Berth');
  if (platform === 'darwin') return posix.join(homedir(), 'Library', 'Application Support', 'Berth');
  return posix.join(env.XDG_DATA_HOME ?? posix.join(homedir(), '.local', 'share'), 'berth');
}
