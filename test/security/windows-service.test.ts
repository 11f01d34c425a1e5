import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseServiceAccount, SIDS, serviceSid, winswConfigXml, type ServiceStep } from '../../agent-core/service';
import { aclOf, canWrite, commandLines, runSteps, SYSTEM_ROOT, USER, USER_APP, windowsServicePlan } from '../fixtures/windows-service-plan';

// Nothing here runs the service manager: these read the plan the elevated install carries out
// (agent-core/service/service-steps.ts) and the WinSW XML it writes. Real Windows alone can show
// that the service manager and NTFS then do what the plan says.
const { definition, steps } = windowsServicePlan();
const { layout } = definition;
const xml = winswConfigXml(definition);
const SERVICE = `*${serviceSid('berth-agent')}`;
const ADMINS = [`*${SIDS.system}`, `*${SIDS.administrators}`];

function indexOf(predicate: (step: ServiceStep) => boolean): number {
  const index = steps.findIndex(predicate);
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}
const isCommand = (text: string) => (step: ServiceStep) => step.kind === 'run' && [step.file.split('\\').pop(), ...step.args].join(' ').startsWith(text);

describe('windows service', () => {
  it('service never runs a program from a user-writable folder', () => {
    const programs = [...xml.matchAll(/<(executable|stopexecutable)>([^<]*)</g)].map((match) => match[2]!);
    expect(programs).toEqual([`${layout.bin}\\Berth.exe`, `${layout.bin}\\Berth.exe`]);
    expect(layout.bin).toBe('C:\\ProgramData\\Berth\\service\\bin');
    expect(xml).not.toMatch(/Users|AppData|LOCALAPPDATA/i);
    // What it runs is a copy, made inside the folder only administrators can write, and given that folder's ACL.
    expect(definition.program).toEqual([{ from: USER_APP, to: layout.bin, tree: true }]);
    const acl = aclOf(steps, layout.service)!;
    expect([...acl.keys()].sort()).toEqual([...ADMINS, SERVICE, `*${SIDS.users}`].sort());
    for (const [principal, rights] of acl) expect(canWrite(rights), `${principal}:${rights}`).toBe(ADMINS.includes(principal));
    const aclSet = indexOf((step) => step.kind === 'run' && step.args[0] === layout.service && step.args.includes('/inheritance:r'));
    const copied = indexOf((step) => step.kind === 'copy-tree' && step.to === layout.bin);
    const reset = indexOf((step) => step.kind === 'run' && step.args[0] === layout.bin && step.args.includes('/reset'));
    expect(aclSet).toBeLessThan(copied);
    expect(copied).toBeLessThan(reset);
    expect(steps[copied]).toEqual({ kind: 'copy-tree', from: USER_APP, to: layout.bin });
  });

  it('service does not run as LocalSystem', () => {
    expect(xml).toContain('<startmode>Manual</startmode>');
    expect(xml).not.toMatch(/serviceaccount|password|LocalSystem/i);
    const configured = indexOf(isCommand('sc.exe config berth-agent obj= NT SERVICE\\berth-agent password=  start= auto'));
    const started = indexOf(isCommand('berth-agent.exe start'));
    expect(indexOf(isCommand('berth-agent.exe install'))).toBeLessThan(configured);
    expect(configured).toBeLessThan(started);
    expect(() => parseServiceAccount('LocalSystem')).toThrow(/never runs as LocalSystem/);
    expect(() => parseServiceAccount('NT AUTHORITY\\SYSTEM')).toThrow(/never runs as LocalSystem/);
  });

  it('service cannot borrow a more privileged token', () => {
    const privileges = indexOf(isCommand('sc.exe privs berth-agent'));
    expect(commandLines([steps[privileges]!])).toEqual(['sc.exe privs berth-agent SeChangeNotifyPrivilege/SeCreateGlobalPrivilege']);
    expect(privileges).toBeLessThan(indexOf(isCommand('berth-agent.exe start')));
  });

  it('service storage gives the user no write', () => {
    expect(layout.storage).toBe('C:\\ProgramData\\Berth\\storage');
    expect(xml).toContain(`<workingdirectory>${layout.storage}</workingdirectory>`);
    expect(definition.arguments).toEqual(['--berth-service', '--storage', layout.storage]);
    const acl = aclOf(steps, layout.storage)!;
    expect(Object.fromEntries(acl)).toEqual({ [`*${SIDS.system}`]: '(OI)(CI)(F)', [`*${SIDS.administrators}`]: '(OI)(CI)(F)', [SERVICE]: '(OI)(CI)(F)' });
    // The root: users may list it, and inherit nothing below it.
    expect(Object.fromEntries(aclOf(steps, layout.root)!)).toEqual({ [`*${SIDS.system}`]: '(OI)(CI)(F)', [`*${SIDS.administrators}`]: '(OI)(CI)(F)', [`*${SIDS.users}`]: '(RX)' });
    for (const folder of [layout.logs, layout.access]) {
      for (const [principal, rights] of aclOf(steps, folder)!) expect(canWrite(rights), `${folder} ${principal}:${rights}`).toBe(principal !== USER);
    }
  });

  it('only the installing user can read the service’s local API token', () => {
    const acl = aclOf(steps, layout.access)!;
    expect(acl.get(USER)).toBe('(OI)(CI)(R)');
    expect([...acl.keys()].filter((principal) => ![...ADMINS, SERVICE].includes(principal))).toEqual([USER]);
    expect(definition.user).toBe(USER);
  });

  it('a Berth folder a user planted in ProgramData before the install is taken over, and links in it refused', () => {
    const refused = indexOf((step) => step.kind === 'refuse-links');
    expect(steps[refused]).toEqual({ kind: 'refuse-links', paths: [layout.root, layout.storage, layout.logs] });
    const owner = indexOf(isCommand(`icacls.exe ${layout.root} /setowner *${SIDS.administrators} /T /C /L /Q`));
    const reset = indexOf(isCommand(`icacls.exe ${layout.root} /reset /T /C /L /Q`));
    const rootAcl = indexOf(isCommand(`icacls.exe ${layout.root} /inheritance:r`));
    const wiped = indexOf((step) => step.kind === 'remove-tree' && step.path === layout.service);
    expect([refused < owner, owner < reset, reset < rootAcl, rootAcl < wiped]).toEqual([true, true, true, true]);
    expect(steps.findIndex((step) => step.kind === 'copy' || step.kind === 'copy-tree' || step.kind === 'write')).toBeGreaterThan(wiped);
  });

  it('a planted sc.exe or icacls.exe in the current folder is never the one run', () => {
    for (const step of runSteps(steps)) {
      expect(step.file.startsWith(`${SYSTEM_ROOT}\\System32\\`) || step.file.startsWith(`${layout.service}\\`), step.file).toBe(true);
    }
  });

  it('a group managed service account runs the service with the same folders, and has no password anywhere', () => {
    const managed = windowsServicePlan('CONTOSO\\berth-svc$');
    expect(commandLines(managed.steps)).toContain('sc.exe config berth-agent obj= CONTOSO\\berth-svc$ password=  start= auto');
    expect(aclOf(managed.steps, layout.storage)!.get('CONTOSO\\berth-svc$')).toBe('(OI)(CI)(F)');
    expect(() => parseServiceAccount('CONTOSO\\ada')).toThrow(/services\.msc/);
  });

  it('the installer elevates for this user’s tray, never pointing the service at a user-writable storage folder', () => {
    const elevation = readFileSync('resources/installer.nsh', 'utf8').split('\n').filter((line) => line.includes('"runas"'));
    expect(elevation).toEqual(['  ExecShellWait "runas" "$INSTDIR\\${APP_EXECUTABLE_FILENAME}" \'${FLAG} --user "$R8\\$R7"\' SW_HIDE']);
  });
});
