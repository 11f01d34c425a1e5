// Debian packages the project needs from the OS. Used by scripts/test.mjs, scripts/bench.mjs and .ci/run.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const systemPackages = {
  // keytar builds against libsecret and its tests talk to a real gnome-keyring on a private D-Bus session;
  // Playwright drives Debian's chromium; source tests use real git; node-gyp needs python3.
  test: ['libsecret-1-dev', 'gnome-keyring', 'dbus', 'chromium', 'git', 'python3'],
  // The proxy bench drives load with wrk and compares against nginx and a Go httputil.ReverseProxy
  // it builds with Debian's Go (stdlib only, nothing fetched).
  bench: ['wrk', 'nginx-light', 'golang-go'],
  // The Windows lane: a Windows node.exe under Wine (winpty needs an X display), and mingw-w64 for its taskkill stand-in.
  windows: ['wine', 'wine64', 'xvfb', 'gcc-mingw-w64-x86-64-win32'],
};

function hasDpkg() {
  return process.platform === 'linux' && spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function missingPackages(names) {
  return names.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

function canSudo() {
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

/**
 * Installs what is missing when allowed to; otherwise prints the command to run. Returns whether all are present.
 * `recommends: false` skips recommended packages (wine recommends some 80 that the Windows lane does not need).
 */
export function ensurePackages(names, purpose, { recommends = true } = {}) {
  if (!hasDpkg()) return true;
  const missing = missingPackages(names);
  if (missing.length === 0) return true;
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : canSudo() ? ['sudo'] : undefined;
  const install = ['apt-get', 'install', '-y', ...(recommends ? [] : ['--no-install-recommends']), ...missing];
  if (!prefix) {
    console.error(`Missing Debian packages for ${purpose}: ${missing.join(' ')}. Install them with:`);
    console.error(`  sudo apt-get update && sudo ${install.join(' ')}`);
    return false;
  }
  console.log(`Installing Debian packages for ${purpose}: ${missing.join(' ')}`);
  const [command, ...rest] = [...prefix, 'apt-get', 'update'];
  const [installCommand, ...installArgs] = [...prefix, ...install];
  return run(command, rest) && run(installCommand, installArgs) && missingPackages(names).length === 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const purpose = process.argv[2] ?? 'test';
  const names = systemPackages[purpose];
  if (!names) {
    console.error(`usage: node scripts/system-packages.mjs [${Object.keys(systemPackages).join('|')}]`);
    process.exit(2);
  }
  process.exit(ensurePackages(names, purpose) ? 0 : 1);
}
