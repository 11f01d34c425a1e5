import { formatDuration, type GuardWatch, type TrafficGuard } from '../protocol';
import { checkOnce, type CheckOptions } from '../traffic';

/** What the new color has answered since the swap. */
export interface GuardCounts {
  requests: number;
  status5xx: number;
}

export interface SwapGuardOptions {
  limits: TrafficGuard;
  deploymentId: string;
  /** The warm deployment a trip swaps back to. */
  previousDeploymentId: string;
  counts(): GuardCounts;
  /** The new color's health check, probed every `intervalMs` during the window. */
  health: CheckOptions;
  intervalMs: number;
  onTrip(reason: string): void;
  /** The window passed without a trip. */
  onPassed(): void;
  /** The counts moved; called at most every REPORT_EVERY_MS, so a status is not sent per request. */
  onChange(): void;
}

export type GuardState = 'watching' | 'tripped' | 'passed' | 'cancelled';

const TRANSITIONS: Record<GuardState, readonly GuardState[]> = {
  watching: ['tripped', 'passed', 'cancelled'],
  tripped: [],
  passed: [],
  cancelled: [],
};

// The counts are read this often: a bad version is swapped out within this of reaching minRequests.
export const GUARD_POLL_MS = 50;
// One failed check can be a hiccup of a busy machine; two in a row is a version that does not answer.
export const FAILED_CHECKS_TO_TRIP = 2;
const REPORT_EVERY_MS = 5_000;

/**
 * Watches a new color for `windowMs` after a swap: more than `maxErrorRate` of at least
 * `minRequests` requests answered 5xx, or FAILED_CHECKS_TO_TRIP failed health checks in a row,
 * trip it (the slot swaps back to the warm color). Polling the counters keeps the request path free
 * of any guard work.
 */
export class SwapGuard {
  private current: GuardState = 'watching';
  private readonly startedAt = Date.now();
  private windowTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private failedChecks = 0;
  private reported: GuardCounts = { requests: 0, status5xx: 0 };
  private reportedAt = 0;

  constructor(private readonly options: SwapGuardOptions) {}

  start(): void {
    const { limits } = this.options;
    this.windowTimer = setTimeout(() => this.end('passed'), limits.windowMs);
    this.pollTimer = setInterval(() => this.poll(), GUARD_POLL_MS);
    this.scheduleCheck();
  }

  /** Another swap, a stop or the warm color going away: the guard has nothing to swap back to. */
  cancel(): void {
    this.end('cancelled');
  }

  view(): GuardWatch {
    const { limits, deploymentId, previousDeploymentId } = this.options;
    const { requests, status5xx } = this.options.counts();
    return {
      deploymentId,
      previousDeploymentId,
      until: new Date(this.startedAt + limits.windowMs).toISOString(),
      requests,
      status5xx,
      maxErrorRate: limits.maxErrorRate,
      minRequests: limits.minRequests,
    };
  }

  private poll(): void {
    if (this.current !== 'watching') return;
    const counts = this.options.counts();
    const { minRequests, maxErrorRate } = this.options.limits;
    if (counts.requests >= minRequests && counts.status5xx / counts.requests > maxErrorRate) {
      this.trip(
        `${counts.status5xx} of ${counts.requests} requests (${percent(counts.status5xx / counts.requests)}) answered 5xx ` +
          `within ${formatDuration(Date.now() - this.startedAt)} of the swap; the guard allows ${percent(maxErrorRate)} of at least ${minRequests}`,
      );
      return;
    }
    const moved = counts.requests !== this.reported.requests || counts.status5xx !== this.reported.status5xx;
    if (moved && Date.now() - this.reportedAt >= REPORT_EVERY_MS) {
      this.reported = counts;
      this.reportedAt = Date.now();
      this.options.onChange();
    }
  }

  private scheduleCheck(): void {
    this.checkTimer = setTimeout(() => void this.check(), this.options.intervalMs);
  }

  private async check(): Promise<void> {
    if (this.current !== 'watching') return;
    const result = await checkOnce(this.options.health);
    if (this.current !== 'watching') return;
    this.failedChecks = result.outcome === 'healthy' ? 0 : this.failedChecks + 1;
    if (this.failedChecks >= FAILED_CHECKS_TO_TRIP) {
      this.trip(`its health check failed ${FAILED_CHECKS_TO_TRIP} times in a row within ${formatDuration(Date.now() - this.startedAt)} of the swap: ${result.detail}`);
      return;
    }
    this.scheduleCheck();
  }

  private trip(reason: string): void {
    if (this.end('tripped')) this.options.onTrip(reason);
  }

  private end(to: Exclude<GuardState, 'watching'>): boolean {
    if (!TRANSITIONS[this.current].includes(to)) return false;
    this.current = to;
    for (const timer of [this.windowTimer, this.pollTimer, this.checkTimer]) if (timer) clearTimeout(timer);
    if (to === 'passed') this.options.onPassed();
    return true;
  }
}

function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(1))}%`;
}
