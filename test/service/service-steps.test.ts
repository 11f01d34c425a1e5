import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineService,
  installService,
  installSteps,
  runServiceSteps,
  uninstallService,
  uninstallSteps,
  type CommandOutcome,
  type ServiceDefinition,
} from '../../agent-core/service';
import { makeTempDir } from '../fixtures/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A service definition whose folder is a real temp folder, and a stand-in WinSW in another. */
function setUp(): { definition: ServiceDefinition; wrapper: { exe: string; config: string } } {
  const root = makeTempDir();
  cleanups.push(root.cleanup);
  const wrapperDir = join(root.path, 'node_modules', 'node-windows', 'bin', 'winsw');
  mkdirSync(wrapperDir, { recursive: true });
  const wrapper = { exe: join(wrapperDir, 'winsw.exe'), config: join(wrapperDir, 'winsw.exe.config') };
  writeFileSync(wrapper.exe, 'MZ wrapper');
  writeFileSync(wrapper.config, '<configuration/>');
    const definition = defineService({ host: { kind: 'desktop', executable: 'C:/Berth/Berth.exe' }, storagePath: 'C:/data', directory: join(root.path, 'service'), path });
  return { definition, wrapper };
}

/** The service manager is the one thing not run here: a recorder answers for it, as `sc`/WinSW would. */
function serviceManager(initial: 'running' | 'stopped' | 'absent', answers: Record<string, CommandOutcome> = {}, stopPolls = 0) {
  const calls: string[] = [];
  let installed = initial !== 'absent';
  let running = initial === 'running';
  let pendingPolls = 0;
  const run = async (file: string, args: string[]): Promise<CommandOutcome> => {
    const command = [file.split(/[\\/]/).pop(), ...args].join(' ');
    calls.push(command);
    if (answers[command]) return answers[command];
    if (command === 'sc.exe query berth-agent') {
      if (!installed) return { code: 1060, output: 'FAILED 1060' };
      if (pendingPolls > 0) {
        pendingPolls -= 1;
        return { code: 0, output: 'STATE : 3  STOP_PENDING' };
      }
      return { code: 0, output: running ? 'STATE : 4  RUNNING' : 'STATE : 1  STOPPED' };
    }
    if (command.endsWith(' install')) installed = true;
    if (command.endsWith(' start')) running = true;
    if (command.endsWith(' stop')) {
      running = false;
      pendingPolls = stopPolls;
    }
    if (command.endsWith(' uninstall')) installed = false;
    return { code: 0, output: '' };
  };
  return { calls, run };
}

describe('service steps', () => {
  it('copies the wrapper beside its configuration, then installs and starts the service', async () => {
    const { definition, wrapper } = setUp();
    const manager = serviceManager('absent');
    await installService(definition, () => wrapper, { platform: 'win32', run: manager.run });
    expect(manager.calls).toEqual(['sc.exe query berth-agent', 'berth-agent.exe install', 'berth-agent.exe start']);
    expect(readFileSync(join(definition.directory, 'berth-agent.exe'), 'utf8')).toBe('MZ wrapper');
    expect(readFileSync(join(definition.directory, 'berth-agent.exe.config'), 'utf8')).toBe('<configuration/>');
    expect(readFileSync(join(definition.directory, 'berth-agent.xml'), 'utf8')).toContain('<executable>C:/Berth/Berth.exe</executable>');
    expect(existsSync(definition.logDirectory)).toBe(true);
  });

  it('replaces an installed service so a new version or storage folder takes effect', async () => {
    const { definition, wrapper } = setUp();
    const manager = serviceManager('running');
    await installService(definition, () => wrapper, { platform: 'win32', run: manager.run });
    expect(manager.calls).toEqual([
      'sc.exe query berth-agent',
      'berth-agent.exe stop',
      'sc.exe query berth-agent',
      'berth-agent.exe uninstall',
      'berth-agent.exe install',
      'berth-agent.exe start',
    ]);
  });

  it('stops the service before removing it and cleans up the wrapper', async () => {
    const { definition, wrapper } = setUp();
    await runServiceSteps(installSteps(definition, wrapper).filter((step) => step.kind !== 'run'));
    const manager = serviceManager('running', {}, 2);
    expect(await uninstallService(definition, { platform: 'win32', run: manager.run })).toBe(true);
    // WinSW's stop returns at once; the service is removed only once it has really stopped.
    expect(manager.calls).toEqual([
      'sc.exe query berth-agent',
      'berth-agent.exe stop',
      'sc.exe query berth-agent',
      'sc.exe query berth-agent',
      'sc.exe query berth-agent',
      'berth-agent.exe uninstall',
    ]);
    expect(existsSync(join(definition.directory, 'berth-agent.exe'))).toBe(false);
    expect(existsSync(join(definition.directory, 'berth-agent.xml'))).toBe(false);
    expect(uninstallSteps(definition).map((step) => step.kind)).toEqual(['run', 'wait-stopped', 'run', 'remove', 'remove', 'remove']);
  });

  it('goes on when the service was already stopped', async () => {
    const { definition } = setUp();
    const manager = serviceManager('stopped', { 'berth-agent.exe stop': { code: 1, output: 'The service has not been started.' } });
    expect(await uninstallService(definition, { platform: 'win32', run: manager.run })).toBe(true);
    expect(manager.calls.at(-1)).toBe('berth-agent.exe uninstall');
  });

  it('says nothing is removed when no service is installed', async () => {
    const { definition } = setUp();
    const manager = serviceManager('absent');
    expect(await uninstallService(definition, { platform: 'win32', run: manager.run })).toBe(false);
    expect(manager.calls).toEqual(['sc.exe query berth-agent']);
  });

  it('asks for an administrator terminal when Windows refuses the install', async () => {
    const { definition, wrapper } = setUp();
    const manager = serviceManager('absent', { 'berth-agent.exe install': { code: 1, output: 'System.ComponentModel.Win32Exception: Access is denied' } });
    await expect(installService(definition, () => wrapper, { platform: 'win32', run: manager.run })).rejects.toThrow(/administrator terminal/);
    expect(manager.calls).not.toContain('berth-agent.exe start');
  });

  it('refuses service mode outside Windows before touching anything', async () => {
    const { definition, wrapper } = setUp();
    const manager = serviceManager('absent');
    await expect(installService(definition, () => wrapper, { platform: 'linux', run: manager.run })).rejects.toThrow(/service mode is for Windows/);
    expect(manager.calls).toEqual([]);
    expect(existsSync(definition.directory)).toBe(false);
  });

  it('runs the steps’ commands as real processes and reports a failure with its output', async () => {
    const steps = [
      { kind: 'run' as const, file: process.execPath, args: ['-e', 'console.log("hello from the wrapper")'] },
      { kind: 'run' as const, file: process.execPath, args: ['-e', 'console.error("bad config"); process.exit(3)'] },
    ];
    const lines: string[] = [];
    await expect(runServiceSteps(steps, undefined, (line) => lines.push(line))).rejects.toThrow(/exit code 3: bad config/);
    expect(lines).toContain('hello from the wrapper');
  });
});
