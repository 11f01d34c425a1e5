import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { BerthError } from '../protocol';
import { parseServiceQuery } from '../protocol/desktop';
import { statusStep, type ServiceStep } from './service-steps';

const POLL_MS = 500;

export interface CommandOutcome {
  code: number;
  output: string;
}

export type RunCommand = (file: string, args: string[]) => Promise<CommandOutcome>;

/** Runs a program to its end and collects what it printed; never rejects for a non-zero exit. */
export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 180_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ code: 0, output });
      const code = typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: output || error.message });
    });
  });

/** Carries out an install or uninstall plan in order; stops at the first step that fails. */
export async function runServiceSteps(steps: ServiceStep[], run: RunCommand = runCommand, log: (line: string) => void = () => undefined): Promise<void> {
  for (const step of steps) {
    switch (step.kind) {
      case 'mkdir':
        mkdirSync(step.path, { recursive: true });
        break;
      case 'copy':
        copyFileSync(step.from, step.to);
        break;
      case 'write':
        writeFileSync(step.path, step.content);
        break;
      case 'remove':
        rmSync(step.path, { force: true });
        break;
      case 'wait-stopped':
        await waitStopped(run, step.timeoutMs);
        break;
      case 'run': {
        log(`> ${[step.file, ...step.args].join(' ')}`);
        const outcome = await run(step.file, step.args);
        if (outcome.output.trim() !== '') log(outcome.output.trim());
        if (outcome.code !== 0 && !step.mayFail) throw commandFailed(step, outcome);
        break;
      }
    }
  }
}

function commandFailed(step: Extract<ServiceStep, { kind: 'run' }>, outcome: CommandOutcome): BerthError {
  const command = [step.file, ...step.args].join(' ');
  // Access denied: 5 from the service manager, or its message in WinSW's output.
  if (outcome.code === 5 || /access is denied|0x80070005/i.test(outcome.output)) {
    return new BerthError('COMMAND_FAILED', `'${command}' needs administrator rights: run it from an administrator terminal (or accept the Windows prompt)`);
  }
  return new BerthError('COMMAND_FAILED', `'${command}' failed with exit code ${outcome.code}: ${outcome.output.trim().split('\n').slice(-3).join(' ')}`);
}

async function waitStopped(run: RunCommand, timeoutMs: number): Promise<void> {
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
