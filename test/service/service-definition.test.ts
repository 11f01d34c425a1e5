import { describe, expect, it } from 'vitest';
import { SERVICE_FLAGS } from '../../agent-core/protocol/desktop';
import { defineService, serviceLayout, serviceRoot, virtualAccount, winswConfigXml } from '../../agent-core/service';
import { USER, USER_APP, windowsServicePlan } from '../fixtures/windows-service-plan';

const layout = serviceLayout('C:\\ProgramData\\Berth');
const desktop = windowsServicePlan().definition;

function tags(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((match) => match[1]!);
}

describe('service definition', () => {
  it('keeps every folder of the service under ProgramData', () => {
    expect(serviceRoot({ ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Berth');
    expect(serviceRoot({})).toBe('C:\\ProgramData\\Berth');
    expect(layout).toEqual({
      root: 'C:\\ProgramData\\Berth',
      service: 'C:\\ProgramData\\Berth\\service',
      bin: 'C:\\ProgramData\\Berth\\service\\bin',
      storage: 'C:\\ProgramData\\Berth\\storage',
      logs: 'C:\\ProgramData\\Berth\\logs',
      access: 'C:\\ProgramData\\Berth\\access',
      files: {
        exe: 'C:\\ProgramData\\Berth\\service\\berth-agent.exe',
        config: 'C:\\ProgramData\\Berth\\service\\berth-agent.exe.config',
        xml: 'C:\\ProgramData\\Berth\\service\\berth-agent.xml',
      },
    });
  });

  it('runs the copy of the desktop app with the service’s own storage', () => {
    const xml = winswConfigXml(desktop);
    expect(tags(xml, 'id')).toEqual(['berth-agent']);
    expect(tags(xml, 'executable')).toEqual(['C:\\ProgramData\\Berth\\service\\bin\\Berth.exe']);
    expect(tags(xml, 'argument')).toEqual([SERVICE_FLAGS.host, '--storage', 'C:\\ProgramData\\Berth\\storage']);
    expect(tags(xml, 'workingdirectory')).toEqual(['C:\\ProgramData\\Berth\\storage']);
    expect(tags(xml, 'logpath')).toEqual(['C:\\ProgramData\\Berth\\logs']);
    expect(desktop.program).toEqual([{ from: USER_APP, to: layout.bin, tree: true }]);
    expect(desktop.user).toBe(USER);
  });

  it('stops the desktop service through a second Berth.exe, parent first, with time for shutdown commands', () => {
    const xml = winswConfigXml(desktop);
    expect(tags(xml, 'stopexecutable')).toEqual(['C:\\ProgramData\\Berth\\service\\bin\\Berth.exe']);
    expect(tags(xml, 'stoparguments')).toEqual([SERVICE_FLAGS.stop]);
    expect(tags(xml, 'stopparentprocessfirst')).toEqual(['true']);
    expect(tags(xml, 'stoptimeout')).toEqual(['120 sec']);
    expect(xml).toContain('<onfailure action="restart" delay="10 sec"/>');
  });

  it('is created to start by hand, so it never starts at boot before its account is set', () => {
    expect(tags(winswConfigXml(desktop), 'startmode')).toEqual(['Manual']);
  });

  it('runs a terminal-installed agent from copies of its Node and built package, without the terminal’s Node flags', () => {
    const definition = defineService({
      host: { kind: 'node', node: 'C:\\Program Files\\nodejs\\node.exe', packageRoot: 'C:\\Users\\ada\\AppData\\Roaming\\npm\\node_modules\\berth', script: 'out\\main\\berth-agent.js' },
      layout,
      account: virtualAccount(),
      user: 'PC-7\\ada',
    });
    const xml = winswConfigXml(definition);
    expect(tags(xml, 'executable')).toEqual(['C:\\ProgramData\\Berth\\service\\bin\\node.exe']);
    expect(tags(xml, 'argument')).toEqual([
      'C:\\ProgramData\\Berth\\service\\bin\\app\\out\\main\\berth-agent.js',
      'service',
      'run',
      '--storage',
      'C:\\ProgramData\\Berth\\storage',
      '--access',
      'C:\\ProgramData\\Berth\\access',
    ]);
    expect(tags(xml, 'stopexecutable')).toEqual([]);
    const packageRoot = 'C:\\Users\\ada\\AppData\\Roaming\\npm\\node_modules\\berth';
    expect(definition.program).toEqual([
      { from: 'C:\\Program Files\\nodejs\\node.exe', to: 'C:\\ProgramData\\Berth\\service\\bin\\node.exe', tree: false },
      { from: `${packageRoot}\\package.json`, to: 'C:\\ProgramData\\Berth\\service\\bin\\app\\package.json', tree: false },
      { from: `${packageRoot}\\out`, to: 'C:\\ProgramData\\Berth\\service\\bin\\app\\out', tree: true },
      { from: `${packageRoot}\\node_modules`, to: 'C:\\ProgramData\\Berth\\service\\bin\\app\\node_modules', tree: true },
    ]);
  });

  it('quotes arguments with spaces and escapes characters that would break the XML', () => {
    const definition = defineService({
      host: { kind: 'desktop', appFolder: 'C:\\apps\\Berth', executableName: 'Berth.exe' },
      layout: serviceLayout('C:\\Program Data\\R&D <Berth>'),
      account: virtualAccount(),
      user: USER,
    });
    const xml = winswConfigXml(definition);
    expect(tags(xml, 'executable')).toEqual(['C:\\Program Data\\R&amp;D &lt;Berth&gt;\\service\\bin\\Berth.exe']);
    expect(tags(xml, 'argument')[2]).toBe('"C:\\Program Data\\R&amp;D &lt;Berth&gt;\\storage"');
    const opened = [...xml.matchAll(/<([a-z]+)>/g)].map((match) => match[1]);
    const closed = [...xml.matchAll(/<\/([a-z]+)>/g)].map((match) => match[1]);
    expect(opened.sort()).toEqual(closed.sort());
  });
});
