import { activeWarm, describeGuard, formatCountdown } from '../../../agent-core/protocol';
import type { SlotView } from '../../../agent-core/protocol/local-api';

/** The guard watching the last swap, while it watches: what it has seen and how long it has to go. */
export function GuardBanner({ slot, now }: { slot: SlotView; now: number }) {
  const { guard } = slot.status;
  const text = describeGuard(guard, now);
  if (!guard || text === null) return null;
  return (
    <div className="banner banner-info guard-banner" role="status" aria-label="Guard">
      <p>
        <strong>Guarding the swap to {guard.deploymentId}</strong> — {text}. Over {Math.round(guard.maxErrorRate * 100)}% 5xx (after {guard.minRequests}{' '}
        requests) it swaps back to {guard.previousDeploymentId} by itself.
      </p>
    </div>
  );
}

/** `blue warm 4:05` beside a slot's live color in the slots list; nothing when no color is warm. */
export function WarmTag({ slot, now }: { slot: SlotView; now: number }) {
  const warm = activeWarm(slot.status.warm, now);
  if (!warm) return null;
  return (
    <span className={`warm-tag color-${warm.color}`} title={`${warm.color} still runs ${warm.deploymentId} without traffic: a rollback to it is instant`}>
      {warm.color} warm {formatCountdown(warm.leftMs)}
    </span>
  );
}

/** `watching 0.8% 5xx` in the slots list while the guard watches. */
export function GuardTag({ slot, now }: { slot: SlotView; now: number }) {
  const text = describeGuard(slot.status.guard, now);
  return text === null ? null : <span className="guard-tag">{text}</span>;
}
