import { describe, expect, it } from 'vitest';
import { parseServiceQuery } from '../../agent-core/protocol/desktop';

const running = `
SERVICE_NAME: berth-agent
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 4  RUNNING
                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)
        WIN32_EXIT_CODE    : 0  (0x0)
`;
const germanStopped = `
SERVICE_NAME: berth-agent
        TYP                : 10  WIN32_OWN_PROCESS
        STATUS             : 1  STOPPED
`;

describe('service state', () => {
  it('reads the state from sc.exe output', () => {
    expect(parseServiceQuery(0, running)).toBe('running');
    expect(parseServiceQuery(0, running.replace('4  RUNNING', '2  START_PENDING'))).toBe('starting');
    expect(parseServiceQuery(0, running.replace('4  RUNNING', '3  STOP_PENDING'))).toBe('stopping');
    expect(parseServiceQuery(0, running.replace('4  RUNNING', '1  STOPPED'))).toBe('stopped');
  });

  it('knows a service that does not exist by its error code, whatever the language', () => {
    expect(parseServiceQuery(1060, '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\n\nThe specified service does not exist as an installed service.')).toBe('not-installed');
    expect(parseServiceQuery(1060, '[SC] OpenService FEHLER 1060:')).toBe('not-installed');
  });

  it('reads a translated sc.exe as well', () => {
    expect(parseServiceQuery(0, germanStopped)).toBe('stopped');
  });

  it('says unknown rather than guess', () => {
    expect(parseServiceQuery(0, 'SERVICE_NAME: berth-agent')).toBe('unknown');
    expect(parseServiceQuery(5, '[SC] OpenService FAILED 5:\n\nAccess is denied.')).toBe('unknown');
  });
});
