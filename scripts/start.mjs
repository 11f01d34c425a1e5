// `npm start`: the desktop app where Electron can run, otherwise the headless agent; says which and why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cliOf, root } from './tool-paths.mjs';

const args = process.argv.slice(2);
const forceHeadless = args.includes('--headless');
const passThrough = args.filter((arg) => arg !== '--headless');

// `require('electron')` returns the binary's path, and throws when its download was skipped or failed.
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path)
      ? { path }
      : { reason: `the Electron binary is not at ${path}` };
  } catch {
    return {
      reason: 'the Electron binary is not installed (package.json allowScripts keeps its download from running; `node node_modules/electron/install.js` fetches it)',
    };
  }
}

function chooseMode() {
  if (forceHeadless) return { mode: 'headless', why: '--headless was given' };
  const electron = electronBinary();
  if (!electron.path) return { mode: 'headless', why: electron.reason };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { mode: 'headless', why: 'Electron is installed but there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { mode: 'desktop', why: `Electron is installed at ${electron.path}`, electron: electron.path };
}

const choice = chooseMode();
console.log(
  choice.mode === 'desktop'
    ? `Starting the Berth desktop app: ${choice.why}.`
    : `Starting the headless Berth agent: ${choice.why}.`,
);

const build = spawnSync(process.execPath, [cliOf('electron-vite'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const [command, commandArgs] =
  choice.mode === 'desktop'
    ? [choice.electron, ['.', ...passThrough]]
    : [process.execPath, [join(root, 'out', 'main', 'berth-agent.js'), 'run', ...passThrough]];
const app = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
process.exit(app.status ?? 1);
