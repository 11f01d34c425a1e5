// `npm run test:windows`: the Windows lane. agent-core's Windows code (the runner in a pseudo console,
// cmd.exe, taskkill, Windows paths, snapshots, the service files) run by a real Windows node.exe: under
// Wine on Linux, set up here step by step, or with this Node on Windows itself. The tests in test/windows/
// are bundled here into plain JS that `node --test` runs (koffi, like node-pty, is loaded at run time:
// under Wine from the lane's own copy with its win32 binary, see installWindowsKoffi); the last line is `N passed, N failed, N skipped`.
// `--report <file>` also writes the counts as JSON (scripts/test.mjs adds them to its totals).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';
import { buildStandIns, fetchWindowsNode, installPackages, installWindowsKoffi, laneFolders, preparePrefix } from './windows-lane/setup.mjs';
import { failedTests, skippedTests, tapCounts } from './windows-lane/tap-results.mjs';
import { runWineAsync, startDisplay, stopWineServer, wineEnvironment, windowsPath } from './windows-lane/wine-host.mjs';
import { root } from './tool-paths.mjs';

// One test file's run; a hung Wine is cut off here and counted as a failure.
const RUN_TIMEOUT_MS = 8 * 60_000;

const folders = laneFolders(root);
const reportFlag = process.argv.indexOf('--report');
const reportFile = reportFlag >= 0 ? process.argv[reportFlag + 1] : undefined;
// Names given (`node scripts/test-windows.mjs job-object`) run only the test files whose names contain one.
const only = process.argv.slice(2).filter((arg, index, args) => !arg.startsWith('--') && args[index - 1] !== '--report');
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Each test file and what it imports, as one ES module; node-pty stays outside, loaded with its win32 prebuilds. */
async function bundleTests() {
  rmSync(folders.bundle, { recursive: true, force: true });
  const sources = join(root, 'test', 'windows');
  const entryPoints = readdirSync(sources)
    .filter((name) => name.endsWith('.test.ts') && (only.length === 0 || only.some((part) => name.includes(part))))
    .map((name) => join(sources, name));
  await build({
    entryPoints,
    outdir: folders.bundle,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    external: ['node-pty'],
    // CommonJS packages bundled into an ES module still call require() for Node's own modules.
    banner: { js: "import { createRequire as berthRequire } from 'node:module'; const require = berthRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return readdirSync(folders.bundle).filter((name) => name.endsWith('.mjs')).map((name) => join(folders.bundle, name));
}

// One `node --test` per file, so that one file's hang or crash leaves the others' results whole.
// (--test-force-exit would end a hung file, but Node 20 then cuts off the reporters' summaries.)
function testArguments(file, toPath) {
  const name = basename(file, '.mjs');
  return [
    '--enable-source-maps',
    '--test',
    '--test-reporter=spec',
    `--test-reporter-destination=${toPath(join(folders.results, `${name}.txt`))}`,
    '--test-reporter=tap',
    `--test-reporter-destination=${toPath(join(folders.results, `${name}.tap`))}`,
    toPath(file),
  ];
}

/** Runs `runFile` for every file, two at a time (the machine has more than one core, Wine is slow to start). */
async function eachFile(files, runFile) {
  const queue = [...files];
  const outcomes = [];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) outcomes.push(await runFile(file));
  };
  await Promise.all([worker(), worker()]);
  return outcomes;
}

async function underWine(log) {
  const setupStarted = Date.now();
  installPackages();
  const node = fetchWindowsNode(folders);
  installWindowsKoffi(root, folders);
  buildStandIns(root, folders);
  const display = await startDisplay();
  const env = {
    ...wineEnvironment({ prefix: folders.prefix, display: display.display, searchPath: [folders.standIns, dirname(node)] }),
    BERTH_WINDOWS_LANE: 'wine',
  };
  try {
    // A wineserver left from an earlier run may have started without this display.
    stopWineServer(env);
    preparePrefix(env, folders, log);
    console.log(`Windows lane: Wine set up in ${seconds(setupStarted)}`);
    const files = await bundleTests();
    const started = Date.now();
    const runs = await eachFile(files, (file) =>
      runWineAsync(env, [windowsPath(node), ...testArguments(file, windowsPath)], { logFile: log, cwd: folders.base, timeoutMs: RUN_TIMEOUT_MS }),
    );
    console.log(`Windows lane: node.exe --test ran ${files.length} files in ${seconds(started)}`);
    if (runs.some((run) => run.timedOut)) return `a test file did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes; see ${log}`;
    return undefined;
  } finally {
    stopWineServer(env);
    display.stop();
  }
}

// On Windows itself the same bundle runs with this Node: ConPTY, the real taskkill and PowerShell.
async function onWindows() {
  const files = await bundleTests();
  await eachFile(files, async (file) =>
    spawnSync(process.execPath, testArguments(file, (path) => path), {
      cwd: folders.base,
      stdio: 'inherit',
      env: { ...process.env, BERTH_WINDOWS_LANE: 'windows' },
      timeout: RUN_TIMEOUT_MS,
    }),
  );
  return undefined;
}

function bundledNames() {
  if (!existsSync(folders.bundle)) return [];
  return readdirSync(folders.bundle).filter((name) => name.endsWith('.mjs')).map((name) => basename(name, '.mjs')).sort();
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function main() {
  rmSync(folders.results, { recursive: true, force: true });
  mkdirSync(folders.results, { recursive: true });
  const log = join(folders.results, 'wine.log');
  let problem;
  try {
    problem = process.platform === 'win32' ? await onWindows() : await underWine(log);
  } catch (error) {
    problem = `the lane could not be set up: ${error instanceof Error ? error.message : String(error)}`;
  }
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let tap = '';
  for (const name of bundledNames()) {
    const text = readText(join(folders.results, `${name}.tap`));
    const spec = readText(join(folders.results, `${name}.txt`));
    if (spec !== '') console.log(`\n${spec.trimEnd()}`);
    const fileCounts = tapCounts(text);
    if (fileCounts === null) {
      // A file that died before its summary fails as a whole.
      counts.failed += 1;
      console.error(`\ntest/windows/${name.replace(/\.test$/, '.test.ts')} ended without a summary; node.exe's output is in ${log}`);
    } else {
      for (const key of Object.keys(counts)) counts[key] += fileCounts[key];
    }
    tap += text;
  }
  if (problem !== undefined) {
    counts.failed += 1;
    console.error(`\nWindows lane failed: ${problem}`);
  }
  for (const { name, reason } of skippedTests(tap)) console.log(`skipped: ${name} — ${reason}`);
  const failed = failedTests(tap);
  if (failed.length > 0) console.error(`failed: ${failed.join('; ')}`);
  if (reportFile !== undefined) {
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, JSON.stringify(counts));
  }
  const totals = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  // Under npm test the totals line is scripts/test.mjs's alone, so the lane names its own.
  console.log(reportFile === undefined ? totals : `Windows lane: ${totals}`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

await main();
