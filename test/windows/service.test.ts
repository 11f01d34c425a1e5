import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseServiceQuery } from '../../agent-core/protocol/desktop';
import { parseInstallingUser, virtualAccount } from '../../agent-core/service/service-account';
import { defineService, winswConfigXml, type ServiceDefinition } from '../../agent-core/service/service-definition';
import { serviceLayout, serviceRoot } from '../../agent-core/service/service-layout';
import { runProgram, runServiceSteps, type RunProgram } from '../../agent-core/service/run-steps';
import { installSteps, statusStep, systemRootOf } from '../../agent-core/service/service-steps';
import { waitFor } from '../fixtures/wait';
import { lane, useWorkspace } from './lane';

/** The values of one element of WinSW's XML, unescaped as WinSW reads them. */
function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>(.*?)</${name}>`, 'g'))].map(([, value]) =>
    value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

/** A node host whose package is a small folder: package.json, out\main\berth-agent.js and node_modules. */
function nodeService(root: string, packageRoot: string, agentScript = 'process.exit(0)'): ServiceDefinition {
  mkdirSync(path.join(packageRoot, 'out', 'main'), { recursive: true });
  mkdirSync(path.join(packageRoot, 'node_modules', 'ws'), { recursive: true });
  writeFileSync(path.join(packageRoot, 'package.json'), '{ "name": "berth" }');
  writeFileSync(path.join(packageRoot, 'out', 'main', 'berth-agent.js'), agentScript);
  writeFileSync(path.join(packageRoot, 'node_modules', 'ws', 'index.js'), '');
  return defineService({
    host: { kind: 'node', node: process.execPath, packageRoot, script: 'out\\main\\berth-agent.js' },
    layout: serviceLayout(root),
    account: virtualAccount(),
    user: parseInstallingUser(undefined),
  });
}

describe('the Windows service files', { timeout: 60_000 }, () => {
  const workspace = useWorkspace();

  it('lives under %ProgramData%\\Berth', () => {
    assert.ok(process.env.ProgramData, 'Windows sets ProgramData');
    assert.equal(serviceRoot(), path.win32.join(process.env.ProgramData, 'Berth'));
  });

  it('writes the folders, the wrapper, its XML and the program copy, then asks WinSW to install and start', async () => {
    const root = path.join(workspace.folder('berth program data '), 'Berth');
    const definition = nodeService(root, workspace.folder());
    const wrapperFolder = workspace.folder();
    const wrapper = { exe: path.join(wrapperFolder, 'winsw.exe'), config: path.join(wrapperFolder, 'winsw.exe.config') };
    writeFileSync(wrapper.exe, 'wrapper program');
    writeFileSync(wrapper.config, '<configuration/>');
    const calls: string[][] = [];
    // WinSW is a .NET program and Wine has no .NET here; icacls and sc.exe would change this machine:
    // the plan's programs are recorded, its files really written.
    const run: RunProgram = async (file, args) => {
      calls.push([file, ...args]);
      return { code: 0, output: '' };
    };
    await runServiceSteps(installSteps(definition, wrapper, systemRootOf()), run);
    const { files, bin } = definition.layout;
    assert.equal(readFileSync(files.exe, 'utf8'), 'wrapper program');
    assert.equal(readFileSync(files.config, 'utf8'), '<configuration/>');
    const xml = readFileSync(files.xml, 'utf8');
    assert.equal(xml, winswConfigXml(definition));
    assert.ok(!/[^\r]\n/.test(xml), 'every line ends with CRLF');
    assert.deepEqual(elements(xml, 'executable'), [path.join(bin, 'node.exe')]);
    assert.equal(existsSync(path.join(bin, 'node.exe')), true);
    assert.equal(existsSync(path.join(bin, 'app', 'out', 'main', 'berth-agent.js')), true);
    assert.equal(existsSync(path.join(bin, 'app', 'node_modules', 'ws', 'index.js')), true);
    const wrapperCalls = calls.filter(([file]) => file === files.exe).map(([, verb]) => verb);
    assert.deepEqual(wrapperCalls, ['install', 'start']);
  });

  it('quotes the arguments so that Windows hands each to the agent whole, spaces and all', () => {
    const root = path.join(workspace.folder('berth program data & more '), 'Berth');
    const printed = path.join(workspace.folder(), 'arguments.json');
    const definition = nodeService(root, workspace.folder(), `require('fs').writeFileSync(${JSON.stringify(printed)}, JSON.stringify(process.argv.slice(2)));`);
    // The program copy the service runs, as the install leaves it.
    mkdirSync(path.join(definition.layout.bin, 'app', 'out', 'main'), { recursive: true });
    writeFileSync(path.dirname(definition.arguments[0]) + '\\berth-agent.js', readFileSync(definition.program[2].from + '\\main\\berth-agent.js'));
    // WinSW joins its <argument> elements with spaces into the command line it starts the executable with.
    const commandLine = elements(winswConfigXml(definition), 'argument').join(' ');
    const result = spawnSync(process.execPath, [commandLine], { windowsVerbatimArguments: true, stdio: 'ignore' });
    assert.equal(result.status, 0);
    assert.deepEqual(JSON.parse(readFileSync(printed, 'utf8')), definition.arguments.slice(1));
    assert.ok(definition.arguments.some((argument) => argument.includes(' ')), 'some argument has a space');
  });

  it('reads the state of an installed service from sc.exe', { skip: lane === 'wine' ? false : 'it would install a service on this Windows' }, async () => {
    const name = 'berth-agent';
    const created = await runProgram('sc.exe', ['create', name, 'binPath=', `"${process.execPath}" -e 0`]);
    assert.equal(created.code, 0, created.output);
    try {
      const step = statusStep();
      // A service just created may take a moment to show in Wine's service manager.
      const state = await waitFor(async () => {
        const outcome = await runProgram(step.file, step.args);
        const parsed = parseServiceQuery(outcome.code, outcome.output);
        return parsed === 'unknown' ? null : parsed;
      }, 'sc.exe to report the new service', { timeoutMs: 20_000, intervalMs: 500 });
      assert.equal(state, 'stopped');
    } finally {
      await runProgram('sc.exe', ['delete', name]);
    }
  });

  it('reads from sc.exe that the service is not installed', { skip: lane === 'wine' ? "Wine's sc.exe prints nothing for a missing service, where Windows reports error 1060" : false }, async () => {
    const step = statusStep();
    const outcome = await runProgram(step.file, step.args);
    assert.equal(parseServiceQuery(outcome.code, outcome.output), 'not-installed', outcome.output);
  });
});
