import type { GuardWatch, WarmColor } from './slot-status';

/**
 * How the window, the tray and the CLI word a slot's warm color and its guard, from the fields of
 * `SlotStatus`: one wording everywhere, computed against the reader's clock.
 */

/** Milliseconds until `until`, or null once it has passed. */
export function timeLeftMs(until: string, now: number): number | null {
  const left = Date.parse(until) - now;
  return Number.isFinite(left) && left > 0 ? left : null;
}

/** A countdown: `4:05`, `0:09` (whole seconds, rounded up so it never shows 0:00 while time is left). */
export function formatCountdown(ms: number): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Coarse, for a place redrawn only now and then (the tray): `5 min left`, `under a minute left`. */
export function formatMinutesLeft(ms: number): string {
  return ms < 60_000 ? 'under a minute left' : `${Math.ceil(ms / 60_000)} min left`;
}

/** The warm color while it is still warm, with its time left; null otherwise. */
export function activeWarm(warm: WarmColor | null | undefined, now: number): (WarmColor & { leftMs: number }) | null {
  if (!warm) return null;
  const leftMs = timeLeftMs(warm.until, now);
  return leftMs === null ? null : { ...warm, leftMs };
}

/** `blue warm, 4:05 left` (or `blue warm, 5 min left` with `coarse`); null when no color is warm. */
export function describeWarm(warm: WarmColor | null | undefined, now: number, coarse = false): string | null {
  const active = activeWarm(warm, now);
  if (!active) return null;
  return `${active.color} warm, ${coarse ? formatMinutesLeft(active.leftMs) : `${formatCountdown(active.leftMs)} left`}`;
}

/** The share of 5xx answers as a person reads it: `0%`, `2.5%`, `100%`. */
export function errorPercent(status5xx: number, requests: number): string {
  if (requests === 0) return '0%';
  return `${Number(((status5xx / requests) * 100).toFixed(1))}%`;
}

/** `watching: 120 requests, 0.8% 5xx, 42s left`; null when no guard watches the slot. */
export function describeGuard(guard: GuardWatch | null | undefined, now: number): string | null {
  if (!guard) return null;
  const left = Math.ceil((timeLeftMs(guard.until, now) ?? 0) / 1000);
  const requests = `${guard.requests} request${guard.requests === 1 ? '' : 's'}`;
  return `watching: ${requests}, ${errorPercent(guard.status5xx, guard.requests)} 5xx, ${left}s left`;
}
