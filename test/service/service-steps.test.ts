import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  defineService,
  installService,
  installSteps,
  runServiceSteps,
  serviceLayout,
  uninstallService,
  virtualAccount,
  type ProgramOutcome,
  type ServiceDefinition,
} from '../../agent-core/service';
import { makeTempDir } from '../fixtures/temp-dir';
import { windowsServicePlan } from '../fixtures/windows-service-plan';

const onWindows = process.platform === 'win32';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
// These tests create real files: only ever in their temp folders, never in the work tree.
const workTree = readdirSync(process.cwd()).sort();
afterAll(() => expect(readdirSync(process.cwd()).sort()).toEqual(workTree));

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/**
 * The service's folders in a temp folder, built with this OS's paths (the runner refuses any other),
 * a user's app folder with a link in it pointing elsewhere, and a stand-in WinSW.
 */
function setUp(): { root: string; definition: ServiceDefinition; wrapper: { exe: string; config: string } } {
  const temp = makeTempDir();
  cleanups.push(temp.cleanup);
  const root = temp.path;
  const appFolder = join(root, 'Users', 'ada', 'Programs', 'Berth');
  write(join(appFolder, 'Berth.exe'), 'MZ app');
  write(join(appFolder, 'resources', 'app.asar'), 'asar');
  write(join(root, 'Users', 'ada', 'elsewhere.dll'), 'MZ the user can change this');
  symlinkSync(join(root, 'Users', 'ada', 'elsewhere.dll'), join(appFolder, 'linked.dll'));
  const wrapperDir = join(root, 'node_modules', 'node-windows', 'bin', 'winsw');
  const wrapper = { exe: join(wrapperDir, 'winsw.exe'), config: join(wrapperDir, 'winsw.exe.config') };
  write(wrapper.exe, 'MZ wrapper');
  write(wrapper.config, '<configuration/>');
  const definition = defineService({
    host: { kind: 'desktop', appFolder, executableName: 'Berth.exe' },
    layout: serviceLayout(join(root, 'ProgramData', 'Berth'), posix),
    account: virtualAccount(),
    user: 'PC-7\\ada',
    path: posix,
  });
  return { root, definition, wrapper };
}

/** The service manager (and icacls) are the one thing not run here: a recorder answers for them, as they would. */
function serviceManager(initial: 'running' | 'stopped' | 'absent', answers: Record<string, ProgramOutcome> = {}, stopPolls = 0) {
  const calls: string[] = [];
  let installed = initial !== 'absent';
  let running = initial === 'running';
  let pendingPolls = 0;
  const run = async (file: string, args: string[]): Promise<ProgramOutcome> => {
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
  return { calls, run, services: () => calls.filter((call) => !call.startsWith('icacls.exe')) };
}

describe('service steps', () => {
  it('copies the wrapper and the program into the service folder, then installs, sets the account and starts', async () => {
    const { definition, wrapper } = setUp();
    const { layout } = definition;
    const manager = serviceManager('absent');
    await installService(definition, () => wrapper, { platform: 'win32', run: manager.run });
    expect(manager.services()).toEqual([
      'sc.exe query berth-agent',
      'berth-agent.exe install',
      'sc.exe sidtype berth-agent unrestricted',
      'sc.exe config berth-agent obj= NT SERVICE\\berth-agent password=  start= auto',
      'sc.exe privs berth-agent SeChangeNotifyPrivilege/SeCreateGlobalPrivilege',
      'berth-agent.exe start',
    ]);
    expect(manager.calls.filter((call) => call.startsWith('icacls.exe'))).toHaveLength(9);
    expect(readFileSync(layout.files.exe, 'utf8')).toBe('MZ wrapper');
    expect(readFileSync(layout.files.config, 'utf8')).toBe('<configuration/>');
    expect(readFileSync(layout.files.xml, 'utf8')).toContain(`<executable>${join(layout.bin, 'Berth.exe')}</executable>`);
    expect(readFileSync(join(layout.bin, 'Berth.exe'), 'utf8')).toBe('MZ app');
    expect(readFileSync(join(layout.bin, 'resources', 'app.asar'), 'utf8')).toBe('asar');
    // A link in the user's folder becomes a file of the service's own: changing the original changes nothing the service runs.
    expect(lstatSync(join(layout.bin, 'linked.dll')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(layout.bin, 'linked.dll'), 'utf8')).toBe('MZ the user can change this');
    for (const folder of [layout.storage, layout.logs, layout.access]) expect(existsSync(folder)).toBe(true);
  });

  it('replaces an installed service so a new version takes effect', async () => {
    const { definition, wrapper } = setUp();
    const manager = serviceManager('running');
    await installService(definition, () => wrapper, { platform: 'win32', run: manager.run });
    expect(manager.services().slice(0, 6)).toEqual([
      'sc.exe query berth-agent',
      'berth-agent.exe stop',
      'sc.exe query berth-agent',
      'berth-agent.exe uninstall',
      'berth-agent.exe install',
      'sc.exe sidtype berth-agent unrestricted',
    ]);
  });

  it('wipes whatever was planted beside the wrapper before copying it again', async () => {
    const { definition, wrapper } = setUp();
    write(join(definition.layout.service, 'version.dll'), 'MZ planted');
    write(join(definition.layout.access, 'local-api.token'), 'planted-token');
    await installService(definition, () => wrapper, { platform: 'win32', run: serviceManager('absent').run });
    expect(existsSync(join(definition.layout.service, 'version.dll'))).toBe(false);
    expect(existsSync(join(definition.layout.access, 'local-api.token'))).toBe(false);
  });

  it.skipIf(onWindows)('refuses a Berth folder that is a link to another folder, and writes nothing there', async () => {
    const { root, definition, wrapper } = setUp();
    const target = join(root, 'Users', 'ada', 'fake-programdata');
    mkdirSync(target, { recursive: true });
    mkdirSync(dirname(definition.layout.root), { recursive: true });
    symlinkSync(target, definition.layout.root);
    const manager = serviceManager('absent');
    await expect(installService(definition, () => wrapper, { platform: 'win32', run: manager.run })).rejects.toThrow(/is a link to another folder/);
    expect(readdirSync(target)).toEqual([]);
    expect(manager.services()).toEqual(['sc.exe query berth-agent', 'sc.exe query berth-agent']);
  });

  it('removes a half-installed service when setting its account fails', async () => {
    const { definition, wrapper } = setUp();
    const manager = serviceManager('absent', { 'sc.exe config berth-agent obj= NT SERVICE\\berth-agent password=  start= auto': { code: 1057, output: '[SC] ChangeServiceConfig FAILED 1057' } });
    await expect(installService(definition, () => wrapper, { platform: 'win32', run: manager.run })).rejects.toThrow(/exit code 1057/);
    expect(manager.services().slice(-4)).toEqual(['sc.exe query berth-agent', 'berth-agent.exe stop', 'sc.exe query berth-agent', 'berth-agent.exe uninstall']);
    expect(manager.services()).not.toContain('berth-agent.exe start');
    expect(existsSync(definition.layout.files.exe)).toBe(false);
  });

  it('stops the service before removing it, removes the program and the token, and keeps the storage', async () => {
    const { definition, wrapper } = setUp();
    await runServiceSteps(installSteps(definition, wrapper, 'C:\\Windows').filter((step) => step.kind !== 'run'));
    write(join(definition.layout.storage, 'berth.db'), 'slots');
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
    expect(existsSync(definition.layout.service)).toBe(false);
    expect(existsSync(definition.layout.access)).toBe(false);
    expect(readFileSync(join(definition.layout.storage, 'berth.db'), 'utf8')).toBe('slots');
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
    expect(existsSync(definition.layout.root)).toBe(false);
  });

  it.skipIf(onWindows)('never creates a file named with backslashes when given a plan of Windows paths', async () => {
    const before = readdirSync(process.cwd()).sort();
    const manager = serviceManager('absent');
    await expect(runServiceSteps(windowsServicePlan().steps, manager.run)).rejects.toThrow(/not an absolute path on this system; nothing was changed/);
    expect(manager.calls).toEqual([]);
    expect(readdirSync(process.cwd()).sort()).toEqual(before);
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
