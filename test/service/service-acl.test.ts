import { describe, expect, it } from 'vitest';
import { serviceSid, uninstallSteps } from '../../agent-core/service';
import { commandLines, windowsServicePlan } from '../fixtures/windows-service-plan';

const SERVICE = `*${serviceSid('berth-agent')}`;
const ADMINS = '*S-1-5-18:(OI)(CI)(F) *S-1-5-32-544:(OI)(CI)(F)';

describe('service acl', () => {
  it('builds every icacls and sc.exe command line of the install, in order', () => {
    expect(commandLines(windowsServicePlan().steps)).toEqual([
      'icacls.exe C:\\ProgramData\\Berth /setowner *S-1-5-32-544 /T /C /L /Q',
      'icacls.exe C:\\ProgramData\\Berth /reset /T /C /L /Q',
      `icacls.exe C:\\ProgramData\\Berth /inheritance:r /grant:r ${ADMINS} *S-1-5-32-545:(RX) /Q`,
      `icacls.exe C:\\ProgramData\\Berth\\service /inheritance:r /grant:r ${ADMINS} ${SERVICE}:(OI)(CI)(RX) *S-1-5-32-545:(OI)(CI)(RX) /Q`,
      `icacls.exe C:\\ProgramData\\Berth\\storage /inheritance:r /grant:r ${ADMINS} ${SERVICE}:(OI)(CI)(F) /Q`,
      `icacls.exe C:\\ProgramData\\Berth\\logs /inheritance:r /grant:r ${ADMINS} ${SERVICE}:(OI)(CI)(M) PC-7\\Ada Lovelace:(OI)(CI)(RX) /Q`,
      `icacls.exe C:\\ProgramData\\Berth\\access /inheritance:r /grant:r ${ADMINS} ${SERVICE}:(OI)(CI)(M) PC-7\\Ada Lovelace:(OI)(CI)(R) /Q`,
      'icacls.exe C:\\ProgramData\\Berth\\service\\bin /reset /T /C /L /Q',
      'icacls.exe C:\\ProgramData\\Berth\\service\\berth-agent.* /reset /L /Q',
      'berth-agent.exe install',
      'sc.exe sidtype berth-agent unrestricted',
      'sc.exe config berth-agent obj= NT SERVICE\\berth-agent password=  start= auto',
      'sc.exe privs berth-agent SeChangeNotifyPrivilege/SeCreateGlobalPrivilege',
      'berth-agent.exe start',
    ]);
  });

  it('gives the take-over, which walks every working copy on a reinstall, half an hour instead of three minutes', () => {
    const timed = windowsServicePlan().steps.filter((step) => step.kind === 'run' && step.timeoutMs !== undefined);
    expect(commandLines(timed)).toEqual(['icacls.exe C:\\ProgramData\\Berth /setowner *S-1-5-32-544 /T /C /L /Q', 'icacls.exe C:\\ProgramData\\Berth /reset /T /C /L /Q']);
    expect(timed.map((step) => step.kind === 'run' && step.timeoutMs)).toEqual([1_800_000, 1_800_000]);
  });

  it('passes each grant, and a user name with a space, as one argument', () => {
    const access = windowsServicePlan().steps.find((step) => step.kind === 'run' && step.args[0] === 'C:\\ProgramData\\Berth\\access');
    expect(access).toEqual({
      kind: 'run',
      file: 'C:\\Windows\\System32\\icacls.exe',
      args: [
        'C:\\ProgramData\\Berth\\access',
        '/inheritance:r',
        '/grant:r',
        '*S-1-5-18:(OI)(CI)(F)',
        '*S-1-5-32-544:(OI)(CI)(F)',
        `${SERVICE}:(OI)(CI)(M)`,
        'PC-7\\Ada Lovelace:(OI)(CI)(R)',
        '/Q',
      ],
    });
  });

  it('sets LocalService by its SID, and an empty password as its own argument', () => {
    const steps = windowsServicePlan('LocalService').steps;
    expect(commandLines(steps)).toContain('icacls.exe C:\\ProgramData\\Berth\\storage /inheritance:r /grant:r *S-1-5-18:(OI)(CI)(F) *S-1-5-32-544:(OI)(CI)(F) *S-1-5-19:(OI)(CI)(F) /Q');
    const config = steps.find((step) => step.kind === 'run' && step.args[0] === 'config');
    expect(config).toEqual({ kind: 'run', file: 'C:\\Windows\\System32\\sc.exe', args: ['config', 'berth-agent', 'obj=', 'NT AUTHORITY\\LocalService', 'password=', '', 'start=', 'auto'] });
  });

  it('removes the program and the token on uninstall, and keeps the storage and the logs', () => {
    const { definition } = windowsServicePlan();
    expect(uninstallSteps(definition)).toEqual([
      { kind: 'run', file: 'C:\\ProgramData\\Berth\\service\\berth-agent.exe', args: ['stop'], mayFail: true },
      { kind: 'wait-stopped', timeoutMs: 150_000 },
      { kind: 'run', file: 'C:\\ProgramData\\Berth\\service\\berth-agent.exe', args: ['uninstall'] },
      { kind: 'remove-tree', path: 'C:\\ProgramData\\Berth\\service' },
      { kind: 'remove-tree', path: 'C:\\ProgramData\\Berth\\access' },
    ]);
  });
});
