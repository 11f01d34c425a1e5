import { describe, expect, it } from 'vitest';
import { canMoveLink, canMoveRun, checkedLinkMove, checkedRunMove, type ClientRun, type LinkPhaseKind } from '../../agent-core/connection/link-phase';

const PHASES: LinkPhaseKind[] = ['idle', 'dialing', 'hello', 'welcomed'];
const RUNS: ClientRun[] = ['accepting', 'refusing', 'stopping'];

describe('control-plane link phase', () => {
  it('opens a session only from a dial, and is welcomed only after its hello', () => {
    expect(PHASES.filter((from) => canMoveLink(from, 'hello'))).toEqual(['dialing']);
    expect(PHASES.filter((from) => canMoveLink(from, 'welcomed'))).toEqual(['hello', 'welcomed']);
  });

  it('dials only when no session is open, and can drop back to idle from every phase', () => {
    expect(PHASES.filter((from) => canMoveLink(from, 'dialing'))).toEqual(['idle', 'dialing']);
    expect(PHASES.every((from) => canMoveLink(from, 'idle'))).toBe(true);
  });

  it('refuses a move the table does not allow, naming both phases', () => {
    const idle = { kind: 'idle', keyWatch: null } as const;
    expect(checkedLinkMove(idle, { kind: 'dialing' })).toEqual({ kind: 'dialing' });
    expect(() => checkedLinkMove(idle, { kind: 'welcomed' } as never)).toThrow(/from idle to welcomed/);
  });
});

describe('control-plane client run state', () => {
  it('never takes commands again once it has started refusing or stopping', () => {
    expect(RUNS.filter((from) => canMoveRun(from, 'accepting'))).toEqual([]);
    expect(RUNS.filter((from) => canMoveRun(from, 'refusing'))).toEqual(['accepting', 'refusing']);
    expect(RUNS.every((from) => canMoveRun(from, 'stopping'))).toBe(true);
    expect(() => checkedRunMove('stopping', 'refusing')).toThrow(/from stopping to refusing/);
  });
});
