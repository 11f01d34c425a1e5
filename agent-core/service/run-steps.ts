import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, posix, win32 } from 'node:path';
import { BerthError } from '../protocol';
import { parseServiceQuery } from '../protocol/desktop';
import { statusStep, type RunStep, type ServiceStep } from './service-steps';

const POLL_MS = 500;

export interface ProgramOutcome {
  code: number;
  output: string;
}

export type RunProgram = (file: string, args: string[], timeoutMs?: number) => Promise<ProgramOutcome>;

const PROGRAM_TIMEOUT_MS = 180_000;

/** Runs a program to its end and collects what it printed; never rejects for a non-zero exit. */
export const runProgram: RunProgram = (file, args, timeoutMs = PROGRAM_TIMEOUT_MS) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: timeoutMs }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ code: 0, output });
      const code = typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: output || error.message });
    });
  });

/** The files a step creates, reads or removes. */
function pathsOf(step: ServiceStep): string[] {
  switch (step.kind) {
    case 'mkdir':
    case 'write':
    case 'remove':
    case 'remove-tree':
      return [step.path];
    case 'copy':
    case 'copy-tree':
      return [step.from, step.to];
    case 'refuse-links':
      return step.paths;
    case 'run':
    case 'wait-stopped':
      return [];
  }
}

/**
 * A plan built with Windows paths, run on another OS, would create files named
 * `\tmp\…\berth-agent.exe` in the current folder: every path must be absolute here, and a
 * backslash is a separator only on Windows. Checked for the whole plan before the first step.
 */
export function checkPlanPaths(steps: ServiceStep[], platform: NodeJS.Platform = process.platform): void {
  const isAbsolute = platform === 'win32' ? win32.isAbsolute : posix.isAbsolute;
  for (const path of steps.flatMap(pathsOf)) {
    if (!isAbsolute(path) || (platform !== 'win32' && path.includes('\\'))) {
      throw new BerthError('INTERNAL', `the service plan names '${path}', which is not an absolute path on this system; nothing was changed`);
    }
  }
}

function refuseLinks(paths: string[]): void {
  for (const path of paths) {
    if (existsSync(path) && lstatSync(path).isSymbolicLink()) {
      throw new BerthError('INVALID_PAYLOAD', `${path} is a link to another folder; remove it (as an administrator), then install again`);
    }
  }
}

/** Carries out an install or uninstall plan in order; stops at the first step that fails. */
export async function runServiceSteps(steps: ServiceStep[], run: RunProgram = runProgram, log: (line: string) => void = () => undefined): Promise<void> {
  checkPlanPaths(steps);
  for (const step of steps) {
    switch (step.kind) {
      case 'mkdir':
        mkdirSync(step.path, { recursive: true });
        break;
      case 'copy':
        // bin\app\package.json is the first file of a folder that no step has made (the Windows lane found it).
        mkdirSync(dirname(step.to), { recursive: true });
        copyFileSync(step.from, step.to);
        break;
      case 'copy-tree':
        cpSync(step.from, step.to, { recursive: true, dereference: true });
        break;
      case 'write':
        writeFileSync(step.path, step.content);
        break;
      case 'remove':
        rmSync(step.path, { force: true });
        break;
      case 'remove-tree':
        rmSync(step.path, { recursive: true, force: true });
        break;
      case 'refuse-links':
        refuseLinks(step.paths);
        break;
      case 'wait-stopped':
        await waitStopped(run, step.timeoutMs);
        break;
      case 'run': {
        log(`> ${[step.file, ...step.args].join(' ')}`);
        const outcome = await run(step.file, step.args, step.timeoutMs);
        if (outcome.output.trim() !== '') log(outcome.output.trim());
        if (outcome.code !== 0 && !step.mayFail) throw commandFailed(step, outcome);
        break;
      }
    }
  }
}

function commandFailed(step: RunStep, outcome: ProgramOutcome): BerthError {
  const command = [step.file, ...step.args].join(' ');
  // Access denied: 5 from the service manager, or its message in WinSW's output.
  if (outcome.code === 5 || /access is denied|0x80070005/i.test(outcome.output)) {
    return new BerthError('COMMAND_FAILED', `'${command}' needs administrator rights: run it from an administrator terminal (or accept the Windows prompt)`);
  }
  return new BerthError('COMMAND_FAILED', `'${command}' failed with exit code ${outcome.code}: ${outcome.output.trim().split('\n').slice(-3).join(' ')}`);
}

async function waitStopped(run: RunProgram, timeoutMs: number): Promise<void> {
  const query = statusStep();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await run(query.file, query.args);
    const state = parseServiceQuery(outcome.code, outcome.output);
    if (state === 'stopped' || state === 'not-installed') return;
    if (Date.now() > deadline) {
      throw new BerthError('COMMAND_FAILED', `the Berth service did not stop within ${Math.round(timeoutMs / 1000)} s; stop it in Services, then try again`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
