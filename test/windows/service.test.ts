import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseServiceQuery } from '../../agent-core/protocol/desktop';
import { runCommand, runServiceSteps, type RunCommand } from '../../agent-core/service/run-steps';
import { defineService, serviceDirectory, winswConfigXml } from '../../agent-core/service/service-definition';
import { installSteps, statusStep } from '../../agent-core/service/service-steps';
import { waitFor } from '../fixtures/wait';
import { lane, useWorkspace } from './lane';

/** The values of one element of WinSW's XML, unescaped as WinSW reads them. */
function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>(.*?)</${name}>`, 'g'))].map(([, value]) =>
    value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

describe('the Windows service files', { timeout: 60_000 }, () => {
  const workspace = useWorkspace();

  it('lives under %ProgramData%\\Berth\\service', () => {
    assert.ok(process.env.ProgramData, 'Windows sets ProgramData');
    assert.equal(serviceDirectory(), path.win32.join(process.env.ProgramData, 'Berth', 'service'));
  });

  it('writes the wrapper, its configuration and its XML, then asks WinSW to install and start', async () => {
    const programData = workspace.folder('berth program data ');
    const wrapperFolder = workspace.folder();
    const wrapper = { exe: path.join(wrapperFolder, 'winsw.exe'), config: path.join(wrapperFolder, 'winsw.exe.config') };
    writeFileSync(wrapper.exe, 'wrapper program');
    writeFileSync(wrapper.config, '<configuration/>');
    const definition = defineService({
      host: { kind: 'node', node: process.execPath, nodeArgs: [], script: 'C:\\Program Files\\Berth\\berth-agent.js' },
      storagePath: 'C:\\Berth data',
      directory: serviceDirectory({ ProgramData: programData }),
    });
    const calls: string[][] = [];
    // WinSW is a .NET program and Wine has no .NET here: the plan runs up to the service manager.
    const run: RunCommand = async (file, args) => {
      calls.push([file, ...args]);
      return { code: 0, output: '' };
    };
    await runServiceSteps(installSteps(definition, wrapper), run);
    assert.equal(readFileSync(definition.files.exe, 'utf8'), 'wrapper program');
    assert.equal(readFileSync(definition.files.config, 'utf8'), '<configuration/>');
    const xml = readFileSync(definition.files.xml, 'utf8');
    assert.equal(xml, winswConfigXml(definition));
    assert.ok(!/[^\r]\n/.test(xml), 'every line ends with CRLF');
    assert.deepEqual(elements(xml, 'executable'), [process.execPath]);
    assert.deepEqual(elements(xml, 'workingdirectory'), ['C:\\Berth data']);
    assert.deepEqual(calls, [
      [definition.files.exe, 'install'],
      [definition.files.exe, 'start'],
    ]);
  });

  it('quotes the arguments so that Windows hands each to the agent whole, spaces and all', () => {
    const folder = workspace.folder('berth agent folder ');
    const script = path.join(folder, 'print-arguments.js');
    const printed = path.join(folder, 'arguments.json');
    writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(printed)}, JSON.stringify(process.argv.slice(2)));`);
    const storagePath = path.join(folder, 'Berth data & logs');
    const definition = defineService({ host: { kind: 'node', node: process.execPath, nodeArgs: [], script }, storagePath });
    // WinSW joins its <argument> elements with spaces into the command line it starts the executable with.
    const commandLine = elements(winswConfigXml(definition), 'argument').join(' ');
    const result = spawnSync(definition.executable, [commandLine], { windowsVerbatimArguments: true, stdio: 'ignore' });
    assert.equal(result.status, 0);
    assert.deepEqual(JSON.parse(readFileSync(printed, 'utf8')), ['service', 'run', '--storage', storagePath]);
  });

  it('reads the state of an installed service from sc.exe', { skip: lane === 'wine' ? false : 'it would install a service on this Windows' }, async () => {
    const name = 'berth-agent';
    const created = await runCommand('sc.exe', ['create', name, 'binPath=', `"${process.execPath}" -e 0`]);
    assert.equal(created.code, 0, created.output);
    try {
      const step = statusStep();
      // A service just created may take a moment to show in Wine's service manager.
      const state = await waitFor(async () => {
        const outcome = await runCommand(step.file, step.args);
        const parsed = parseServiceQuery(outcome.code, outcome.output);
        return parsed === 'unknown' ? null : parsed;
      }, 'sc.exe to report the new service', { timeoutMs: 20_000, intervalMs: 500 });
      assert.equal(state, 'stopped');
    } finally {
      await runCommand('sc.exe', ['delete', name]);
    }
  });

  it('reads from sc.exe that the service is not installed', { skip: lane === 'wine' ? "Wine's sc.exe prints nothing for a missing service, where Windows reports error 1060" : false }, async () => {
    const step = statusStep();
    const outcome = await runCommand(step.file, step.args);
    assert.equal(parseServiceQuery(outcome.code, outcome.output), 'not-installed', outcome.output);
  });
});
