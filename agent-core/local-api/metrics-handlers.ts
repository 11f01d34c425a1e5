import { randomUUID } from 'node:crypto';
import type { AgentEventMap } from '../events';
import type { SlotMetrics } from '../protocol';
import { stepSecondsFor } from '../traffic';
import type { HandlerContext, HandlerTable } from './handler-table';

type MetricsStepEvent = AgentEventMap['metrics.step'][0];
type MetricsMethods = 'metrics.read' | 'metrics.subscribe' | 'metrics.unsubscribe';

/**
 * The slots' traffic, as `slot.metrics` gives it to the control plane: a read, and a subscription
 * that sends each finished step (1 s steps for a window up to 300 s, else 10 s) as a `metrics` event.
 */
export function metricsHandlers(context: HandlerContext): Pick<HandlerTable, MetricsMethods> {
  const { slots, events } = context.agent;
  // One listener on the agent's events for every subscription, however many clients follow.
  const followers = new Set<(step: MetricsStepEvent) => void>();
  const fanOut = (step: MetricsStepEvent): void => {
    for (const follower of followers) follower(step);
  };
  const follow = (follower: (step: MetricsStepEvent) => void): (() => void) => {
    if (followers.size === 0) events.on('metrics.step', fanOut);
    followers.add(follower);
    return () => {
      if (followers.delete(follower) && followers.size === 0) events.off('metrics.step', fanOut);
    };
  };
  return {
    'metrics.read': (params) => slots.find(params.slot).metrics(params.windowSeconds),
    'metrics.subscribe': (params, session) => {
      const only = params.slot === undefined ? null : slots.find(params.slot).id;
      const stepSeconds = stepSecondsFor(params.windowSeconds);
      const subscriptionId = `metrics_${randomUUID()}`;
      // Taken in the same turn as the history below, so no step falls between the two.
      const stop = follow((step) => {
        if (step.stepSeconds !== stepSeconds || (only !== null && step.slotId !== only)) return;
        session.send({ type: 'metrics', subscriptionId, slotId: step.slotId, stepSeconds, series: step.series });
      });
      session.addSubscription(subscriptionId, stop);
      const metrics: SlotMetrics[] = (only === null ? slots.list().filter(isBlueGreen) : [slots.require(only)]).map((controller) =>
        controller.metrics(params.windowSeconds),
      );
      return { subscriptionId, metrics };
    },
    'metrics.unsubscribe': (params, session) => {
      session.removeSubscription(params.subscriptionId);
      return {};
    },
  };
}

function isBlueGreen(controller: { currentSpec: { traffic: { mode: string } } }): boolean {
  return controller.currentSpec.traffic.mode === 'blue-green';
}
