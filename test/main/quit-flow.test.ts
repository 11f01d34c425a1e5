import { describe, expect, it } from 'vitest';
import type { AgentMode } from '../../agent-core/protocol/desktop';
import { QuitFlow } from '../../main/quit-flow';

function setUp(options: { slots?: number; mode?: AgentMode; answer?: boolean } = {}) {
  const events: string[] = [];
  let finishStop: () => void = () => undefined;
  const flow = new QuitFlow({
    runningSlots: () => options.slots ?? 0,
    mode: () => options.mode ?? 'embedded',
    confirm: async (slots) => {
      events.push(`asked about ${slots}`);
      return options.answer ?? true;
    },
    stopAgent: () => {
      events.push('stop agent');
      return new Promise<void>((resolve) => (finishStop = resolve));
    },
    exit: () => events.push('exit'),
  });
  const quit = (): boolean => {
    let prevented = false;
    flow.onBeforeQuit({ preventDefault: () => (prevented = true) });
    return !prevented;
  };
  return { flow, events, quit, finishStop: () => finishStop() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('quit flow', () => {
  it('asks once when slots are running, stops them, then quits for real', async () => {
    const { flow, events, quit, finishStop } = setUp({ slots: 3 });
    expect(quit()).toBe(false);
    expect(quit()).toBe(false);
    await settle();
    expect(events).toEqual(['asked about 3', 'stop agent']);
    expect(flow.isQuitting).toBe(true);
    finishStop();
    await settle();
    expect(events).toEqual(['asked about 3', 'stop agent', 'exit']);
    // The quit that exit() starts goes through.
    expect(quit()).toBe(true);
  });

  it('stays open when the user cancels, and asks again next time', async () => {
    const { flow, events, quit } = setUp({ slots: 1, answer: false });
    expect(quit()).toBe(false);
    await settle();
    expect(flow.state).toBe('running');
    expect(flow.isQuitting).toBe(false);
    quit();
    await settle();
    expect(events).toEqual(['asked about 1', 'asked about 1']);
  });

  it('stops the agent without asking when no slot runs', async () => {
    const { events, quit, finishStop } = setUp({ slots: 0 });
    expect(quit()).toBe(false);
    finishStop();
    await settle();
    expect(events).toEqual(['stop agent', 'exit']);
  });

  it('leaves the Windows service’s slots running and does not ask about them', async () => {
    const { events, quit, finishStop } = setUp({ slots: 4, mode: 'service' });
    quit();
    finishStop();
    await settle();
    expect(events).toEqual(['stop agent', 'exit']);
  });

  it('stops the slots without a question when Windows shuts down or the user logs off', async () => {
    const { flow, events, finishStop } = setUp({ slots: 2 });
    expect(flow.onSessionEnding()).toBe(true);
    expect(flow.onSessionEnding()).toBe(true);
    finishStop();
    await settle();
    expect(events).toEqual(['stop agent', 'exit']);
    expect(flow.onSessionEnding()).toBe(false);
  });
});
