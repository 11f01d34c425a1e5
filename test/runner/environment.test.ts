import { describe, expect, it } from 'vitest';
import { environmentValue, mergeEnvironment } from '../../agent-core/runner/environment';

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
});
