// `npm test`: Debian packages, lint, typecheck, build, vitest (with a real keychain on Linux), Playwright e2e, the Windows lane;
// ends with exactly one line `N passed, N failed, N skipped` over every runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackages, systemPackages } from './system-packages.mjs';
import { cliOf, root } from './tool-paths.mjs';

const reports = join(root, '.tmp', 'reports');
const vitestReport = join(reports, 'vitest.json');
const playwrightReport = join(reports, 'playwright.json');
const windowsReport = join(reports, 'windows.json');
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedChecks = [];
/** Each failed test's name and the start of its message, repeated at the end where a CI log's tail shows it. */
const failures = [];
const FAILURE_LINES = 30;

function run(label, command, args) {
  console.log(`\n▶ ${label}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;
}

function check(label, ok) {
  if (ok) return;
  totals.failed += 1;
  failedChecks.push(label);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function lint() {
  check('lint', run('lint', process.execPath, [cliOf('eslint'), '.']));
}

// One tsc run per layer tsconfig, all of them even after a failure, so every broken layer is shown.
function typecheck() {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.typecheck;
  for (const [, project] of script.matchAll(/tsc -p (\S+)/g)) {
    check(`typecheck ${project}`, run(`typecheck ${project}`, process.execPath, [cliOf('typescript', 'tsc'), '-p', project]));
  }
}

// The end-to-end tests drive the built agent (out/main/berth-agent.js), as users run it: build it first,
// so a clean clone tests what `npm start` runs and not a stale or missing build.
function build() {
  check('build', run('build (electron-vite)', process.execPath, [cliOf('electron-vite'), 'build']));
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

// A private session bus and a throwaway keyring, unlocked, so keytar talks to a real Secret Service.
function runWithKeyring(label, args) {
  if (process.platform !== 'linux' || !hasCommand('dbus-run-session') || !hasCommand('gnome-keyring-daemon')) {
    return run(label, process.execPath, args);
  }
  const keyringHome = mkdtempSync(join(tmpdir(), 'berth-keyring-'));
  const script = 'printf %s berth-test | XDG_DATA_HOME="$0" gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  const ok = run(`${label} (private D-Bus session, unlocked gnome-keyring)`, 'dbus-run-session', ['--', 'bash', '-c', script, keyringHome, process.execPath, ...args]);
  rmSync(keyringHome, { recursive: true, force: true });
  return ok;
}

function vitest() {
  rmSync(vitestReport, { force: true });
  const args = [
    cliOf('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`,
    ...process.argv.slice(2),
  ];
  const ok = runWithKeyring('vitest', args);
  const report = readJson(vitestReport);
  let failed = 0;
  if (report) {
    totals.passed += report.numPassedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
    // A file that fails to load has no failed test, yet it failed.
    const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'));
    failed = report.numFailedTests + brokenFiles.length;
    for (const file of report.testResults) {
      for (const test of file.assertionResults.filter((result) => result.status === 'failed')) {
        noteFailure(`${file.name.slice(root.length + 1)} > ${test.fullName}`, test.failureMessages.join('\n'));
      }
    }
    for (const file of brokenFiles) noteFailure(file.name.slice(root.length + 1), file.message);
  }
  // Unhandled errors fail the run without failing a test: count the run itself then.
  if (!ok && failed === 0) failed = 1;
  totals.failed += failed;
  if (failed > 0) failedChecks.push('vitest');
}

function noteFailure(title, message = '') {
  const lines = message
    // eslint-disable-next-line no-control-regex -- the colour codes runners put in their messages
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    // Stack frames of the runners and of Node say nothing about the failure; the project's own stay.
    .filter((line) => line.trim() !== '' && !/^\s*at .*(node_modules|node:internal|<anonymous>)/.test(line));
  const shown = lines.slice(0, FAILURE_LINES).map((line) => `    ${line.slice(0, 300)}`);
  if (lines.length > FAILURE_LINES) shown.push(`    … ${lines.length - FAILURE_LINES} more lines in the runner's output above`);
  failures.push(`  ✗ ${title}\n${shown.join('\n')}`);
}

function specsIn(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true }).filter((name) => String(name).endsWith('.spec.ts'));
}

function playwright() {
  // The e2e project runs the browser specs of test/e2e and test/security (playwright.config.ts).
  if (['e2e', 'security'].every((folder) => specsIn(join(root, 'test', folder)).length === 0)) return;
  rmSync(playwrightReport, { force: true });
  // The window's setup page stores an API key: the agents it starts need the keyring too.
  const ok = runWithKeyring('playwright e2e', [cliOf('@playwright/test', 'playwright'), 'test', '--project=e2e']);
  const report = readJson(playwrightReport);
  const stats = report?.stats;
  let failed = 0;
  if (report) notePlaywrightFailures(report.suites ?? []);
  if (stats) {
    totals.passed += stats.expected + stats.flaky;
    totals.skipped += stats.skipped;
    failed = stats.unexpected;
  }
  if (!ok && failed === 0) failed = 1;
  totals.failed += failed;
  if (failed > 0) failedChecks.push('playwright');
}

function notePlaywrightFailures(suites) {
  for (const suite of suites) {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const errors = (test.results ?? []).flatMap((result) => result.errors ?? []).map((error) => error.message ?? '');
        noteFailure(`${spec.file} > ${spec.title}`, errors.join('\n'));
      }
    }
    notePlaywrightFailures(suite.suites ?? []);
  }
}

// The Windows lane (scripts/test-windows.mjs): agent-core's Windows code under a Windows node.exe in Wine.
// It counts a setup it could not do as a failure, so a machine without Wine fails here rather than passing.
function windowsLane() {
  if (process.argv.length > 2) {
    console.log('\n▶ Windows lane: not run, since arguments were given for vitest (run it with `npm run test:windows`)');
    return;
  }
  rmSync(windowsReport, { force: true });
  const ok = run('Windows lane', process.execPath, [join(root, 'scripts', 'test-windows.mjs'), '--report', windowsReport]);
  const counts = readJson(windowsReport);
  let failed = 0;
  if (counts) {
    totals.passed += counts.passed;
    totals.skipped += counts.skipped;
    failed = counts.failed;
  }
  if (!ok && failed === 0) failed = 1;
  totals.failed += failed;
  if (failed > 0) failedChecks.push('Windows lane');
}

// A test that writes outside its temp folder leaves files in the work tree (once, Windows paths built
// on Linux were committed and broke every Windows clone): after the runners, the tree must be as it was.
function cleanTree(before) {
  const after = gitStatus();
  if (after === undefined || before === undefined) return;
  const added = after.filter((line) => !before.includes(line));
  if (added.length === 0) return;
  console.error(`\nThe tests left files in the work tree (write them under a temp folder instead):\n${added.map((line) => `  ${line}`).join('\n')}`);
  check('clean work tree', false);
}

function gitStatus() {
  const result = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n').filter(Boolean) : undefined;
}

if (!ensurePackages(systemPackages.test, 'the tests')) process.exit(1);
const treeBefore = gitStatus();
lint();
typecheck();
build();
vitest();
playwright();
windowsLane();
cleanTree(treeBefore);
if (failures.length > 0) console.log(`\nFailed tests, each with the start of its message:\n${failures.join('\n')}`);
console.log(failedChecks.length > 0 ? `\nFailed: ${failedChecks.join(', ')}` : '');
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed > 0 ? 1 : 0;
