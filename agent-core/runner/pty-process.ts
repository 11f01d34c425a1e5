import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pty from 'node-pty';
import { BerthError, type Command } from '../protocol';
import { environmentValue, mergeEnvironment } from './environment';
import { executableFinder } from './find-executable';
import { killTree, snapshotTree } from './kill-tree';
import type { TrackedProcess } from './kill-tree-options';
import { PROCESS_MARK_VARIABLE } from './marked-processes';
import { joinMarkJob } from './process-jobs';
import type { ShellInvocation } from './shell-invocation';
import { shellInvocation } from './shells';
import { withSlotUmask } from './slot-umask';

export interface SpawnOptions {
  /** Already expanded. Its workingDirectory (relative to `cwd`) and its env (over `env`) apply on top. */
  command: Command;
  /** The name people see for the command, in headers and error messages. */
  label: string;
  cwd: string;
  /** The slot's environment, from buildEnvironment: system variables of the agent's, never the rest. */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  scriptDir: string;
}

export interface ExitInfo {
  exitCode: number;
  /** Set when a signal ended the process; node-pty then reports exit code 0. */
  signal?: number;
}

interface PtyProcessEvents {
  data: [chunk: string];
  exit: [info: ExitInfo];
}

/** One command running in its own pseudo-terminal, and the owner of how it is interrupted, stopped and killed. */
export class PtyProcess extends EventEmitter<PtyProcessEvents> {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  constructor(
    private readonly terminal: pty.IPty,
    readonly label: string,
    scriptPath: string,
  ) {
    super();
    this.pid = terminal.pid;
    this.exited = new Promise((resolveExit) => {
      terminal.onData((chunk) => this.emit('data', chunk));
      terminal.onExit(({ exitCode, signal }) => {
        const info: ExitInfo = signal ? { exitCode, signal } : { exitCode };
        this.exitInfo = info;
        rmSync(scriptPath, { force: true });
        resolveExit(info);
        this.emit('exit', info);
      });
    });
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  write(text: string): void {
    if (!this.hasExited) this.terminal.write(text);
  }

  /** A line of Berth's own in the command's output, after the listeners its starter attaches at once. */
  notice(text: string): void {
    setImmediate(() => this.emit('data', `\x1b[33m[berth] ${text}\x1b[0m\r\n`));
  }

  /** Ctrl+C, exactly as a person at the terminal would press it. */
  interrupt(): void {
    this.write('\x03');
  }

  /** Ctrl+C, up to `graceMs` to finish, then the whole tree is killed, including what outlived the root. */
  async stop(graceMs: number): Promise<ExitInfo> {
    // Taken before Ctrl+C: once the root exits, a child that called setsid can no longer be traced back to it.
    const earlier = this.hasExited ? [] : await snapshotTree(this.pid);
    this.interrupt();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((done) => (timer = setTimeout(done, graceMs)))]);
    clearTimeout(timer);
    return this.end(earlier);
  }

  kill(): Promise<ExitInfo> {
    return this.end([]);
  }

  private async end(earlier: readonly TrackedProcess[]): Promise<ExitInfo> {
    const rootExited = this.hasExited;
    await killTree(this.pid, { also: earlier, rootExited });
    // Closing the pseudo console ends every process still attached to it, which taskkill /T misses once a parent is gone.
    if (process.platform === 'win32' && !rootExited) this.terminal.kill();
    return this.exited;
  }
}

/** Starts a command in a pseudo-terminal with its type's interpreter. */
export function spawnCommand(options: SpawnOptions): PtyProcess {
  const { command, label } = options;
  const cwd = resolve(options.cwd, command.workingDirectory ?? '.');
  if (!isDirectory(cwd)) {
    throw new BerthError(
      'COMMAND_FAILED',
      `working directory '${cwd}' of command '${label}' does not exist; create it or correct the command's workingDirectory`,
    );
  }
  // options.env is already the slot's (buildEnvironment); the command's own env goes on top.
  // The process mark stays as the agent set it: a command's env can neither drop nor change it.
  const mark = environmentValue(options.env, PROCESS_MARK_VARIABLE);
  const env = mergeEnvironment(process.platform, options.env, [command.env ?? {}, mark === undefined ? {} : { [PROCESS_MARK_VARIABLE]: mark }]);
  const invocation = invocationFor(command, label, env, options.scriptDir);
  const script = invocation.scriptFile;
  writePrivateScript(options.scriptDir, script.path, script.contents);
  try {
    const terminal = withSlotUmask(() =>
      pty.spawn(invocation.file, invocation.commandLine ?? invocation.args, {
        name: 'xterm-256color',
        cols: options.cols ?? 120,
        rows: options.rows ?? 30,
        cwd,
        env,
      }),
    );
    // Right after the start: what the command starts from now on is in the job too (see README on the window before).
    const notJoined = joinMarkJob(mark, terminal.pid);
    const child = new PtyProcess(terminal, label, script.path);
    if (notJoined !== undefined) child.notice(`this command is not in its slot's Job Object (${notJoined}); a process it leaves behind may outlive its slot`);
    return child;
  } catch (error) {
    rmSync(script.path, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new BerthError('COMMAND_FAILED', `could not start command '${label}' with ${invocation.file}: ${reason}`);
  }
}

/** The body may hold expanded secrets: a folder only the agent's user can enter, a file only it can read. */
function writePrivateScript(scriptDir: string, path: string, contents: string): void {
  mkdirSync(scriptDir, { recursive: true, mode: 0o700 });
  // A folder left by an older version keeps its mode through mkdir.
  if (process.platform !== 'win32') chmodSync(scriptDir, 0o700);
  writeFileSync(path, contents, { mode: 0o600, flag: 'wx' });
}

function invocationFor(command: Command, label: string, env: Record<string, string>, scriptDir: string): ShellInvocation {
  try {
    return shellInvocation(command.type, command.arguments, {
      platform: process.platform,
      findExecutable: executableFinder(env),
      scriptDir,
    });
  } catch (error) {
    if (error instanceof BerthError) throw new BerthError(error.code, `command '${label}': ${error.message}`);
    throw error;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
