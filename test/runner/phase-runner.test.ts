import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlotSpec, type Command, type CommandStep } from '../../agent-core/protocol';
import { commandStepMessage, runPhase, serviceIndexes, type PhaseOptions } from '../../agent-core/runner/phase-runner';
import { processStartTime } from '../../agent-core/runner/process-identity';
import { expandPhases, resolveVariables } from '../../agent-core/runner/variables';
import { waitFor } from '../fixtures/wait';
import { command, failureOf, OutputBuffer, useWorkspace } from './runner-fixtures';

// Waits for the other task's file; a sequential run would never see it and fail after about 10 s.
const barrier = (mine: string, theirs: string) =>
  `touch ${mine}\nfor i in $(seq 1 1000); do [ -f ${theirs} ] && exit 0; sleep 0.01; done\necho "never saw ${theirs}"\nexit 1`;

describe('phase runner', () => {
  const workspace = useWorkspace();

  function phaseIn(cwd: string, options: Partial<PhaseOptions> & Pick<PhaseOptions, 'commands'>): PhaseOptions {
    return {
      phase: 'startup',
      execution: 'sequential',
      spawnOptions: () => workspace.context(cwd, { PORT: '41873' }),
      output: new OutputBuffer(),
      ...options,
    };
  }

  it('runs tasks one after another and leaves the last startup command running as the service', async () => {
    const cwd = workspace.folder();
    const output = new OutputBuffer();
    const { services } = await runPhase(
      phaseIn(cwd, {
        output,
        commands: [
          command('bash', 'echo install >> order', { name: 'install' }),
          command('bash', 'echo build >> order'),
          command('bash', 'echo "serve $PORT" >> order\necho listening\nexec sleep 1000', { name: 'web' }),
        ],
      }),
    );
    services.forEach((service) => workspace.track(service));
    expect(services.map((service) => service.label)).toEqual(['web']);
    await waitFor(() => output.text.includes('listening'), 'the service to start');
    expect(readFileSync(join(cwd, 'order'), 'utf8')).toBe('install\nbuild\nserve 41873\n');
    expect(output.text).toContain('\r\n\x1b[36m▶ install\x1b[0m (bash)\r\n');
    expect(output.text).toContain('\x1b[36m▶ startup #2\x1b[0m (bash)');
    expect(output.text).toContain('\x1b[36m▶ web\x1b[0m (bash, service)');
    expect(services[0].hasExited).toBe(false);
  });

  it('does not start the next command when a task fails, and kills the service it already started', async () => {
    const cwd = workspace.folder();
    const output = new OutputBuffer();
    const error = await failureOf(
      runPhase(
        phaseIn(cwd, {
          output,
          commands: [
            command('bash', 'echo $$ > service.pid\nexec sleep 1000', { name: 'worker', service: true }),
            command('bash', 'while [ ! -s service.pid ]; do sleep 0.01; done\necho "cannot migrate"; exit 2', { name: 'migrate' }),
            command('bash', 'touch should-not-exist', { name: 'web', service: true }),
          ],
        }),
      ),
    );
    expect(error.message).toMatch(/^command 'migrate' exited with code 2 after .+; last lines:\ncannot migrate$/);
    expect(existsSync(join(cwd, 'should-not-exist'))).toBe(false);
    const pid = workspace.trackPid(Number(readFileSync(join(cwd, 'service.pid'), 'utf8')));
    expect(await processStartTime(pid)).toBeNull();
  });

  it('reports each command as a typed step: a task started and ended with its exit code and duration, a service started', async () => {
    const cwd = workspace.folder();
    const steps: CommandStep[] = [];
    const error = await failureOf(
      runPhase(
        phaseIn(cwd, {
          onCommand: (step) => steps.push(step),
          commands: [
            command('bash', 'sleep 0.2', { name: 'build' }),
            command('bash', 'exec sleep 1000', { name: 'worker', service: true }),
            command('bash', 'exit 3', { name: 'migrate' }),
            command('bash', 'true', { name: 'never' }),
          ],
        }),
      ),
    );
    expect(error.message).toMatch(/^command 'migrate' exited with code 3/);
    expect(steps.map(({ durationMs, ...step }) => ({ ...step, timed: durationMs !== undefined }))).toEqual([
      { name: 'build', phase: 'startup', index: 0, state: 'started', timed: false },
      { name: 'build', phase: 'startup', index: 0, state: 'ended', exitCode: 0, timed: true },
      { name: 'worker', phase: 'startup', index: 1, state: 'started', service: true, timed: false },
      { name: 'migrate', phase: 'startup', index: 2, state: 'started', timed: false },
      { name: 'migrate', phase: 'startup', index: 2, state: 'ended', exitCode: 3, timed: true },
    ]);
    expect(steps[1]!.durationMs).toBeGreaterThanOrEqual(200);
    expect(commandStepMessage(steps[1]!)).toMatch(/^build finished in \d+(\.\d)? s$/);
    expect(commandStepMessage(steps[2]!)).toBe('worker started (service)');
    expect(commandStepMessage(steps[4]!)).toMatch(/^migrate exited with code 3 after /);
  });

  it('ends a cancelled task\'s step without an exit code', async () => {
    const cwd = workspace.folder();
    const steps: CommandStep[] = [];
    const cancel = new AbortController();
    const run = runPhase(phaseIn(cwd, { phase: 'initial', signal: cancel.signal, onCommand: (step) => steps.push(step), commands: [command('bash', 'exec sleep 1000', { name: 'slow' })] }));
    await waitFor(() => steps.length === 1, 'the task to start');
    cancel.abort();
    expect((await failureOf(run)).code).toBe('CANCELLED');
    expect(steps[1]).toMatchObject({ name: 'slow', state: 'ended', exitCode: null });
    expect(commandStepMessage(steps[1]!)).toMatch(/^slow was stopped after /);
  });

  it('runs parallel tasks at the same time and ends the phase when all have exited 0', async () => {
    const cwd = workspace.folder();
    const { services } = await runPhase(
      phaseIn(cwd, {
        phase: 'initial',
        execution: 'parallel',
        commands: [command('bash', barrier('a.ready', 'b.ready')), command('bash', barrier('b.ready', 'a.ready'))],
      }),
    );
    expect(services).toEqual([]);
    expect(existsSync(join(cwd, 'a.ready')) && existsSync(join(cwd, 'b.ready'))).toBe(true);
  });

  it('stops the other parallel commands when one fails and reports that failure', async () => {
    const cwd = workspace.folder();
    const error = await failureOf(
      runPhase(
        phaseIn(cwd, {
          execution: 'parallel',
          commands: [
            command('bash', 'echo $$ > slow.pid\nwhile [ ! -f fail.now ]; do sleep 0.01; done\nexec sleep 1000', { name: 'slow' }),
            command('bash', 'while [ ! -s slow.pid ] || [ ! -s web.pid ]; do sleep 0.01; done\ntouch fail.now\nexit 7', {
              name: 'lint',
            }),
            command('bash', 'echo $$ > web.pid\nexec sleep 1000', { name: 'web', service: true }),
          ],
        }),
      ),
    );
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toContain("command 'lint' exited with code 7");
    for (const name of ['slow.pid', 'web.pid']) {
      const pid = workspace.trackPid(Number(readFileSync(join(cwd, name), 'utf8')));
      expect(await processStartTime(pid)).toBeNull();
    }
  });

  it('fails on an unknown variable before any command of any phase has run', async () => {
    const cwd = workspace.folder();
    const spec = SlotSpec.parse({
      id: 'slot_7',
      name: 'qa-1',
      workspace: 'acme-web',
      template: {
        initial: [{ type: 'bash', arguments: 'touch {Marker}' }],
        startup: [{ type: 'bash', arguments: 'serve --port {Port} --mode {Mode}', name: 'web' }],
        variables: [{ name: 'Marker', default: 'initial-ran' }],
      },
    });
    const deploy = async () => {
      const values = resolveVariables(spec, { SlotName: spec.name, Port: '41873' });
      const phases = expandPhases({ initial: spec.template.initial, startup: spec.template.startup }, values);
      await runPhase(phaseIn(cwd, { phase: 'initial', commands: phases.initial }));
    };
    const error = await failureOf(deploy());
    expect(error.code).toBe('UNKNOWN_VARIABLE');
    expect(error.message).toContain("unknown variable {Mode} in command 'web' (arguments)");
    expect(existsSync(join(cwd, 'initial-ran'))).toBe(false);
  });

  it('reports CANCELLED and starts nothing when the phase is cancelled before it begins', async () => {
    const cwd = workspace.folder();
    const controller = new AbortController();
    controller.abort();
    for (const execution of ['sequential', 'parallel'] as const) {
      const error = await failureOf(
        runPhase(phaseIn(cwd, { execution, signal: controller.signal, commands: [command('bash', 'touch ran')] })),
      );
      expect(error.code).toBe('CANCELLED');
    }
    expect(existsSync(join(cwd, 'ran'))).toBe(false);
  });

  it('treats only marked commands as services outside startup, and the last one in startup when none is marked', () => {
    const plain: Command[] = [command('bash', 'a'), command('bash', 'b')];
    expect([...serviceIndexes('startup', plain)]).toEqual([1]);
    expect([...serviceIndexes('initial', plain)]).toEqual([]);
    expect([...serviceIndexes('startup', [command('bash', 'a', { service: true }), command('bash', 'b')])]).toEqual([0]);
  });
});
