// Running Windows programs under Wine for the Windows lane: the X display winpty needs, the
// environment Wine gets, and Unix paths as Windows sees them.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** Wine maps the Unix root to drive Z:. */
export function windowsPath(unixPath) {
  return `Z:${unixPath.replace(/\//g, '\\')}`;
}

/**
 * Starts Xvfb on a free display. winpty's agent opens a window, so Wine needs a display before its
 * first call of the session: a wineserver started without one keeps failing until it exits.
 */
export function startDisplay(timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const server = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    let number = '';
    const timer = setTimeout(() => fail(`Xvfb did not report a display within ${timeoutMs / 1000} s`), timeoutMs);
    server.stderr.on('data', (chunk) => (errors += chunk));
    server.stdio[3].on('data', (chunk) => {
      number += chunk;
      if (!number.includes('\n')) return;
      clearTimeout(timer);
      resolve({ display: `:${number.trim()}`, stop: () => server.kill() });
    });
    server.on('error', (error) => fail(`could not start Xvfb: ${error.message}`));
    server.on('exit', (code) => fail(`Xvfb exited with code ${code}: ${errors.trim().split('\n').slice(-2).join(' ')}`));
    function fail(reason) {
      clearTimeout(timer);
      server.kill();
      reject(new Error(reason));
    }
  });
}

/**
 * Only what Wine needs, so nothing of this machine's Unix environment shows up in the Windows
 * processes' environment; `searchPath` folders go first on the Windows PATH (WINEPATH).
 */
export function wineEnvironment({ prefix, display, searchPath = [] }) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    DISPLAY: display,
    WINEPREFIX: prefix,
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    // No Mono or Gecko download prompt while the prefix is created: nothing here needs .NET or a browser engine.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    WINEPATH: searchPath.map(windowsPath).join(';'),
  };
}

/**
 * Runs a Wine command to its end with its output in `logFile`: a Windows node.exe whose stdout is a
 * Unix pipe fails with EBADF on its first console.log, so Wine's output never goes to a pipe.
 */
export function runWine(env, args, { logFile, cwd, timeoutMs = 120_000 }) {
  const log = openSync(logFile, 'a');
  try {
    const result = spawnSync('wine', args, { env, cwd, stdio: ['ignore', log, log], timeout: timeoutMs });
    return { code: result.status, timedOut: result.error?.code === 'ETIMEDOUT', error: result.error };
  } finally {
    closeSync(log);
  }
}

/** The same, without blocking this process, so a long test run can be watched and cut off. */
export function runWineAsync(env, args, { logFile, cwd, timeoutMs }) {
  const log = openSync(logFile, 'a');
  return new Promise((resolve) => {
    const child = spawn('wine', args, { env, cwd, stdio: ['ignore', log, log] });
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => settle({ code: null, timedOut, error }));
    child.on('exit', (code) => settle({ code, timedOut }));
    function settle(outcome) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      closeSync(log);
      resolve(outcome);
    }
  });
}

/** Ends every Wine process of the prefix: the lane's own, since the prefix is the lane's. */
export function stopWineServer(env) {
  spawnSync('wineserver', ['-k'], { env, stdio: 'ignore', timeout: 30_000 });
}
