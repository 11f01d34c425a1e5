/**
 * Throughput of a deployment's output path: a node command started by the runner's spawnCommand
 * writes 100 MB of text lines to a real node-pty terminal, and every chunk goes through
 * DeploymentOutput (redactor with one secret, log file, one live subscriber). Beside it, the same
 * command with its output redirected straight to a file (the floor), and the terminal alone with
 * its output thrown away (the ceiling the pty sets).
 *
 * Run: npx tsx bench/runner-throughput.bench.ts [megabytes]
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeploymentOutput, type LogEvent } from '../agent-core/logs';
import { spawnCommand } from '../agent-core/runner';
import { makeTempDir } from '../test/fixtures/temp-dir';

const megabytes = Number(process.argv[2] ?? 100);
const totalBytes = megabytes * 1_000_000;
const secret = 'ghp_bench5ecretT0kenAbCdEfGhIjKlMnOpQr';

// Writes `total` bytes of ~100-byte lines, with the secret on one line in ten thousand, honouring back-pressure.
const generator = `
const [total, secret] = [Number(process.env.BENCH_TOTAL_BYTES), process.env.BENCH_SECRET];
const filler = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ';
let written = 0, line = 0;
function block() {
  let text = '';
  while (text.length < 65536) {
    text += line % 10000 === 0 ? line + ' token=' + secret + '\\n' : line + ' ' + filler + '\\n';
    line++;
  }
  return text;
}
function pump() {
  while (written < total) {
    let text = block();
    if (written + text.length > total) text = text.slice(0, total - written);
    written += text.length;
    if (!process.stdout.write(text)) return process.stdout.once('drain', pump);
  }
}
pump();
`;
const generatorEnv = { ...process.env, BENCH_TOTAL_BYTES: String(totalBytes), BENCH_SECRET: secret } as Record<string, string>;

interface Measured {
  seconds: number;
  bytes: number;
  /** CPU time of this process (all threads), which other load on the machine does not inflate the way it does wall time. */
  cpuSeconds: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

function mbPerSecond({ seconds, bytes }: Measured): string {
  return (bytes / 1e6 / seconds).toFixed(0);
}

/** Peak resident memory of this process while `work` runs, sampled every 20 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const result = await work();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { result, peakRss };
  } finally {
    clearInterval(timer);
  }
}

async function runInTerminal(workDir: string, onData: (chunk: string) => void): Promise<number> {
  const command = spawnCommand({
    command: { type: 'node', arguments: generator, name: 'generate' },
    label: 'generate',
    cwd: workDir,
    env: generatorEnv,
    cols: 160,
    rows: 40,
    scriptDir: join(workDir, 'scripts'),
  });
  let received = 0;
  command.on('data', (chunk) => {
    received += chunk.length;
    onData(chunk);
  });
  await command.exited;
  return received;
}

interface LogPathMeasured extends Measured {
  logPath: string;
  subscriberBytes: number;
  gaps: number;
}

type Feed = (write: (chunk: string) => void) => Promise<number>;

async function throughLogPath(storagePath: string, deploymentId: string, feed: Feed): Promise<LogPathMeasured> {
  const output = await DeploymentOutput.open({ storagePath, slotId: 'bench', deploymentId, secrets: [secret] });
  let subscriberBytes = 0;
  let gaps = 0;
  output.subscribe({
    send(event: LogEvent): boolean {
      if (event.kind === 'data') subscriberBytes += event.data.length;
      else gaps++;
      return true;
    },
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const bytes = await feed((chunk) => output.write(chunk));
  await output.close();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, bytes, cpuSeconds: cpuSecondsSince(cpu), logPath: output.path, subscriberBytes, gaps };
}

/**
 * Terminal-like output without a terminal: 4 KB chunks (what a pty read hands over), one event
 * loop turn each. It shows what the output path itself can take when the pty and the child
 * do not set the pace.
 */
async function inProcessFeed(write: (chunk: string) => void): Promise<number> {
  let block = '';
  for (let line = 0; block.length < 65536; line++) {
    block += line === 0 ? `${line} token=${secret}\r\n` : `${line} the quick brown fox jumps over the lazy dog 0123456789\r\n`;
  }
  const chunks = block.match(/[^]{1,4096}/g) ?? [];
  let sent = 0;
  while (sent < totalBytes) {
    for (const chunk of chunks) {
      write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    sent += block.length;
  }
  return sent;
}

async function terminalAlone(workDir: string): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const bytes = await runInTerminal(workDir, () => undefined);
  return { seconds: (performance.now() - started) / 1000, bytes, cpuSeconds: cpuSecondsSince(cpu) };
}

// The same command with stdout redirected to a file by the OS, as `command > file` does.
async function redirectedToFile(path: string): Promise<Measured> {
  const fd = openSync(path, 'w');
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', generator], { stdio: ['ignore', fd, 'inherit'], env: generatorEnv });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
  } finally {
    closeSync(fd);
  }
  return { seconds: (performance.now() - started) / 1000, bytes: statSync(path).size, cpuSeconds: cpuSecondsSince(cpu) };
}

function inspectLog(path: string): { bytes: number; secretInLog: boolean; backlogDrops: number } {
  const log = readFileSync(path, 'utf8');
  return {
    bytes: Buffer.byteLength(log),
    secretInLog: log.includes(secret),
    backlogDrops: log.split('of output dropped here').length - 1,
  };
}

async function main(): Promise<void> {
  const temp = makeTempDir('berth-bench-');
  try {
    const idleRss = process.memoryUsage().rss;
    const { result: runner, peakRss } = await withPeakRss(() =>
      throughLogPath(temp.path, 'dep_terminal', (write) => runInTerminal(temp.path, write)),
    );
    // Read after the RSS sampling stopped: the check itself holds the whole log in memory.
    const log = inspectLog(runner.logPath);
    const alone = await terminalAlone(temp.path);
    const { result: direct, peakRss: directPeakRss } = await withPeakRss(() => throughLogPath(temp.path, 'dep_direct', inProcessFeed));
    const directDrops = inspectLog(direct.logPath).backlogDrops;
    const file = await redirectedToFile(join(temp.path, 'redirect.log'));
    const rssMb = `${(peakRss / 1e6).toFixed(0)} MB (${((peakRss - idleRss) / 1e6).toFixed(0)} MB over idle)`;
    console.log(
      `runner: ${(runner.bytes / 1e6).toFixed(0)} MB in ${runner.seconds.toFixed(2)} s (${mbPerSecond(runner)} MB/s), peak RSS ${rssMb}` +
        ` | pty alone: ${alone.seconds.toFixed(2)} s (${mbPerSecond(alone)} MB/s)` +
        ` | redirect to file: ${file.seconds.toFixed(2)} s (${mbPerSecond(file)} MB/s)` +
        ` | ratio ${(runner.seconds / file.seconds).toFixed(1)}x (vs pty alone ${(runner.seconds / alone.seconds).toFixed(2)}x)`,
    );
    console.log(
      `  CPU of this process: runner ${runner.cpuSeconds.toFixed(2)} s, pty alone ${alone.cpuSeconds.toFixed(2)} s` +
        ` (log path ${(runner.cpuSeconds - alone.cpuSeconds).toFixed(2)} s for ${(runner.bytes / 1e6).toFixed(0)} MB)`,
    );
    console.log(
      `  log path alone (no terminal, 4 KB chunks): ${(direct.bytes / 1e6).toFixed(0)} MB in ${direct.seconds.toFixed(2)} s` +
        ` (${mbPerSecond(direct)} MB/s), CPU ${direct.cpuSeconds.toFixed(2)} s, peak RSS ${(directPeakRss / 1e6).toFixed(0)} MB,` +
        ` ${directDrops} backlog drops`,
    );
    console.log(
      `  log file ${(log.bytes / 1e6).toFixed(1)} MB, secret in it: ${log.secretInLog ? 'YES' : 'no'}; subscriber got ${(runner.subscriberBytes / 1e6).toFixed(1)} MB with ${runner.gaps} gaps`,
    );
  } finally {
    temp.cleanup();
  }
}

await main();
