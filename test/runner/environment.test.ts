import { describe, expect, it } from 'vitest';
import { environmentValue, isSystemVariable, mergeEnvironment, systemEnvironment } from '../../agent-core/runner/environment';

describe('environment', () => {
  it('applies layers in order, later ones winning, and removes a variable set to undefined', () => {
    const merged = mergeEnvironment('linux', { HOME: '/root', A: 'base', GONE: 'x' }, [{ A: 'slot', B: 'slot' }, { B: 'command', GONE: undefined }]);
    expect(merged).toEqual({ HOME: '/root', A: 'slot', B: 'command' });
  });

  it('treats PATH and Path as one variable on Windows, keeping the spelling Windows gave it', () => {
    const merged = mergeEnvironment('win32', { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows' }, [{ PATH: 'C:\\tools;C:\\Windows' }]);
    expect(merged).toEqual({ Path: 'C:\\tools;C:\\Windows', SystemRoot: 'C:\\Windows' });
    expect(environmentValue(merged, 'PATH', 'win32')).toBe('C:\\tools;C:\\Windows');
  });

  it('keeps PATH and Path apart where names are case-sensitive', () => {
    expect(mergeEnvironment('linux', { Path: 'a' }, [{ PATH: 'b' }])).toEqual({ Path: 'a', PATH: 'b' });
    expect(environmentValue({ Path: 'a' }, 'PATH', 'linux')).toBeUndefined();
  });

  it('passes only the allowlisted system variables of the agent, never BERTH_* or anything else it has', () => {
    const agent = { PATH: '/usr/bin', HOME: '/home/qa', LC_ALL: 'C.UTF-8', BERTH_API_KEY: 'key', BERTH_STORAGE: '/s', AWS_SECRET_ACCESS_KEY: 'aws', NODE_OPTIONS: '--inspect' };
    expect(systemEnvironment(agent, 'linux')).toEqual({ PATH: '/usr/bin', HOME: '/home/qa', LC_ALL: 'C.UTF-8' });
  });

  it('matches Windows system variables whatever their case', () => {
    expect(systemEnvironment({ Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', comspec: 'cmd.exe', berth_api_key: 'key' }, 'win32')).toEqual({
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
      comspec: 'cmd.exe',
    });
    expect(isSystemVariable('SystemRoot', 'linux')).toBe(false);
  });
});
