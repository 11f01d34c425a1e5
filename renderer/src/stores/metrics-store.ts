import { create } from 'zustand';
import type { SlotMetrics } from '../../../agent-core/protocol';
import type { MetricsEvent, MetricsStream } from '../../../agent-core/protocol/local-api';
import { addStep, TRAFFIC_WINDOW_SECONDS } from '../model/traffic-series';
import { agentClient } from './agent-store';

export interface MetricsStore {
  /** Each blue-green slot's traffic over the window, by slot id, as the agent's proxy counted it. */
  bySlot: Record<string, SlotMetrics>;
  error: string | null;
}

/** The traffic of every blue-green slot, fed by one `metrics.subscribe` while a view that shows it is open. */
export const useMetricsStore = create<MetricsStore>()(() => ({ bySlot: {}, error: null }));

let followers = 0;
let stream: MetricsStream | null = null;
let opening: Promise<void> | null = null;

/** The history as the agent has it, with any step that came in before it (the agent's points win). */
function receiveHistory(history: readonly SlotMetrics[]): void {
  useMetricsStore.setState((store) => {
    const bySlot: Record<string, SlotMetrics> = {};
    for (const metrics of history) {
      const known = store.bySlot[metrics.slotId];
      bySlot[metrics.slotId] = known ? addStep(known, metrics) : addStep(undefined, metrics);
    }
    return { bySlot, error: null };
  });
}

function receiveStep(event: MetricsEvent): void {
  useMetricsStore.setState((store) => ({ bySlot: { ...store.bySlot, [event.slotId]: addStep(store.bySlot[event.slotId], event) } }));
}

async function open(): Promise<void> {
  try {
    const opened = await agentClient().subscribeMetrics({ windowSeconds: TRAFFIC_WINDOW_SECONDS }, receiveStep, receiveHistory);
    if (followers === 0) {
      await opened.close().catch(() => undefined);
      return;
    }
    stream = opened;
    receiveHistory(opened.metrics);
  } catch (error) {
    useMetricsStore.setState({ error: `Traffic figures are not available: ${(error as Error).message}` });
  }
}

export const metricsActions = {
  /** Follows the traffic while the caller shows it; the returned function stops (the last caller closes the stream). */
  follow(): () => void {
    followers += 1;
    if (followers === 1 && stream === null && opening === null) {
      opening = open().finally(() => {
        opening = null;
      });
    }
    return () => {
      followers -= 1;
      if (followers > 0 || stream === null) return;
      const closing = stream;
      stream = null;
      void closing.close().catch(() => undefined);
    };
  },
};

export function useSlotMetrics(slotId: string): SlotMetrics | undefined {
  return useMetricsStore((store) => store.bySlot[slotId]);
}
