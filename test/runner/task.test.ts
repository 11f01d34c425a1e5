import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStartTime } from '../../agent-core/runner/process-identity';
import { runTask } from '../../agent-core/runner/task';
import { command, failureOf, OutputBuffer, useWorkspace } from './runner-fixtures';

describe('task', () => {
  const workspace = useWorkspace();

  it('resolves with exit code 0 and its duration, its output in the sink', async () => {
    const cwd = workspace.folder();
    const output = new OutputBuffer();
    const result = await runTask({ command: command('bash', 'echo installed'), label: 'install', output, ...workspace.context(cwd) });
    expect(result.exitCode).toBe(0);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(output.text).toContain('installed');
  });

  it('fails naming the command, its exit code and its last lines without colour codes', async () => {
    const cwd = workspace.folder();
    const script = `for i in $(seq 1 30); do echo "line $i"; done
printf '\\033[31mnpm ERR! missing script: build\\033[0m\\n'
exit 3`;
    const error = await failureOf(
      runTask({ command: command('bash', script), label: 'build', output: new OutputBuffer(), ...workspace.context(cwd) }),
    );
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toMatch(/^command 'build' exited with code 3 after \d+(\.\d)? s; last lines:\n/);
    expect(error.message).toContain('line 30\nnpm ERR! missing script: build');
    expect(error.message).not.toContain('line 10\n');
    expect(error.message).not.toContain('\x1b');
  });

  it('masks secrets in the quoted lines', async () => {
    const cwd = workspace.folder();
    const error = await failureOf(
      runTask({
        command: command('bash', 'echo "token=hunter22"; exit 1'),
        label: 'login',
        output: new OutputBuffer(),
        redact: (text) => text.replaceAll('hunter22', '***'),
        ...workspace.context(cwd),
      }),
    );
    expect(error.message).toContain('token=***');
    expect(error.message).not.toContain('hunter22');
  });

  it('kills a task that outlives its time limit, with its children, and names the limit', async () => {
    const cwd = workspace.folder();
    const output = new OutputBuffer();
    const error = await failureOf(
      runTask({
        command: command('bash', 'sleep 1000 &\necho $! > child.pid\necho waiting\nwait'),
        label: 'migrate',
        output,
        timeoutMs: 1000,
        ...workspace.context(cwd),
      }),
    );
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toMatch(/^command 'migrate' did not finish within 1 s \(timeoutMs\); it was stopped; last lines:\nwaiting$/);
    const child = workspace.trackPid(Number(readFileSync(join(cwd, 'child.pid'), 'utf8')));
    expect(await processStartTime(child)).toBeNull();
  });

  it('stops the task and reports CANCELLED when the deployment is cancelled', async () => {
    const cwd = workspace.folder();
    const controller = new AbortController();
    const output = {
      text: '',
      write(chunk: string) {
        this.text += chunk;
        if (this.text.includes('started')) controller.abort();
      },
    };
    const error = await failureOf(
      runTask({
        command: command('bash', 'echo $$ > task.pid\necho started\nsleep 1000'),
        label: 'seed',
        output,
        signal: controller.signal,
        ...workspace.context(cwd),
      }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toMatch(/^command 'seed' was cancelled after .+; it was stopped$/);
    const pid = workspace.trackPid(Number(readFileSync(join(cwd, 'task.pid'), 'utf8')));
    expect(await processStartTime(pid)).toBeNull();
  });

  it('does not start at all when already cancelled', async () => {
    const cwd = workspace.folder();
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(
      runTask({ command: command('bash', 'touch ran'), label: 'seed', output: new OutputBuffer(), signal: controller.signal, ...workspace.context(cwd) }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(() => readFileSync(join(cwd, 'ran'))).toThrow();
  });
});
