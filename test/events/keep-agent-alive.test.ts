import { describe, expect, it } from 'vitest';
import { runTsxScript } from '../fixtures/tsx-script';

describe('the last net under every callback', () => {
  it('logs an error that escaped a timer, a socket handler or an unawaited promise, and the process goes on', { timeout: 60_000 }, async () => {
    const script = runTsxScript('escaping-errors.ts');
    const { code } = await script.exited;
    const lines = script.lines.join('\n');
    expect(code, script.stderr()).toBe(0);
    expect(lines).toContain('error: an error escaped its handler; the agent goes on: Error: thrown in a timer');
    expect(lines).toContain('error: an error escaped its handler; the agent goes on: Error: thrown in a socket data handler');
    expect(lines).toContain('error: an error escaped its handler; the agent goes on: Error: a rejection nobody awaited');
    expect(script.lines.at(-1)).toBe('alive');
  });
});
