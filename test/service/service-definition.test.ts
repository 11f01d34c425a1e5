import { describe, expect, it } from 'vitest';
import { SERVICE_FLAGS } from '../../agent-core/protocol/desktop';
import { defineService, serviceDirectory, winswConfigXml } from '../../agent-core/service';

const storagePath = 'C:\\Users\\Ada Lovelace\\AppData\\Roaming\\Berth';
const desktop = defineService({
  host: { kind: 'desktop', executable: 'C:\\Users\\Ada Lovelace\\AppData\\Local\\Programs\\Berth\\Berth.exe' },
  storagePath,
  directory: 'C:\\ProgramData\\Berth\\service',
});

function tags(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((match) => match[1]!);
}

describe('service definition', () => {
  it('runs the desktop executable as the service with the user’s storage folder', () => {
    const xml = winswConfigXml(desktop);
    expect(tags(xml, 'id')).toEqual(['berth-agent']);
    expect(tags(xml, 'executable')).toEqual([desktop.executable]);
    // Paths with spaces reach the program as one argument each.
    expect(tags(xml, 'argument')).toEqual([SERVICE_FLAGS.host, '--storage', `"${storagePath}"`]);
    expect(tags(xml, 'workingdirectory')).toEqual([storagePath]);
    expect(tags(xml, 'logpath')).toEqual(['C:\\ProgramData\\Berth\\service\\logs']);
  });

  it('stops the desktop service through a second Berth.exe, parent first, with time for shutdown commands', () => {
    const xml = winswConfigXml(desktop);
    expect(tags(xml, 'stopexecutable')).toEqual([desktop.executable]);
    expect(tags(xml, 'stoparguments')).toEqual([SERVICE_FLAGS.stop]);
    expect(tags(xml, 'stopparentprocessfirst')).toEqual(['true']);
    expect(tags(xml, 'stoptimeout')).toEqual(['120 sec']);
    expect(xml).toContain('<onfailure action="restart" delay="10 sec"/>');
  });

  it('runs a terminal-installed agent with the same Node, loader flags and script, stopped by Ctrl+C', () => {
    const definition = defineService({
      host: { kind: 'node', node: 'C:\\Program Files\\nodejs\\node.exe', nodeArgs: ['--import', 'tsx'], script: 'C:\\berth\\agent-core\\cli\\berth-agent.ts' },
      storagePath: 'D:\\berth',
      directory: 'C:\\ProgramData\\Berth\\service',
    });
    const xml = winswConfigXml(definition);
    expect(tags(xml, 'executable')).toEqual(['C:\\Program Files\\nodejs\\node.exe']);
    expect(tags(xml, 'argument')).toEqual(['--import', 'tsx', 'C:\\berth\\agent-core\\cli\\berth-agent.ts', 'service', 'run', '--storage', 'D:\\berth']);
    expect(tags(xml, 'stopexecutable')).toEqual([]);
  });

  it('escapes characters that would break the XML', () => {
    const xml = winswConfigXml(defineService({ host: { kind: 'desktop', executable: 'C:\\R&D <tools>\\Berth.exe' }, storagePath: 'C:\\data', directory: 'C:\\svc' }));
    expect(tags(xml, 'executable')).toEqual(['C:\\R&amp;D &lt;tools&gt;\\Berth.exe']);
    const opened = [...xml.matchAll(/<([a-z]+)>/g)].map((match) => match[1]);
    const closed = [...xml.matchAll(/<\/([a-z]+)>/g)].map((match) => match[1]);
    expect(opened.sort()).toEqual(closed.sort());
  });

  it('keeps the wrapper where only administrators can write', () => {
    expect(serviceDirectory({ ProgramData: 'C:\\ProgramData' })).toBe('C:\\ProgramData\\Berth\\service');
    expect(serviceDirectory({})).toBe('C:\\ProgramData\\Berth\\service');
  });
});
