import { MAX_METRICS_WINDOW_SECONDS, type MetricsSeries, type SlotMetrics } from '../protocol';
import { wirePoint, type StepPoint } from './metrics-ring';
import { SeriesHistory, SECOND_STEPS, type CountedUpstream } from './metrics-series';

/** One finished step of a slot's traffic: the new point of each series that has one in it. */
export interface MetricsStep {
  stepSeconds: 1 | 10;
  series: MetricsSeries[];
}

export interface MetricsHistoryOptions {
  /** Called once per finished 1 s step, and once more when it also finished a 10 s step. */
  onStep?: (step: MetricsStep) => void;
  /** Milliseconds since the epoch; tests move it by hand. */
  now?: () => number;
  /** False: no timer, the owner calls `tick` (tests). */
  clock?: boolean;
}

/** The step length a window of this many seconds is read in: 1 s up to 5 minutes, else 10 s. */
export function stepSecondsFor(windowSeconds: number): 1 | 10 {
  return windowSeconds <= SECOND_STEPS ? 1 : 10;
}

// Fires just after the second turns, so the step it ends is wholly in the past.
const TICK_DELAY_MS = 5;

/**
 * A blue-green slot's traffic over the last hour, in memory: one series per Target (a swap makes a
 * new Target, so it starts a new series), stepped once a second while any series is active. The
 * live Target's series goes on until a swap or a stop replaces it; a swapped-out one goes on while
 * it still has requests (its drain) and ends at the next 10 s boundary once idle.
 */
export class SlotMetricsHistory {
  private readonly all: SeriesHistory[] = [];
  private readonly active = new Set<SeriesHistory>();
  private live: SeriesHistory | null = null;
  /** The last finished 1 s step (its start, in seconds since the epoch). */
  private lastStep = -1;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: MetricsHistoryOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Bytes held by the stored steps of every series (what the README's memory figure counts). */
  get bytes(): number {
    return this.all.reduce((sum, series) => sum + series.bytes, 0);
  }

  /** `upstream` takes the slot's traffic from now on (a swap); null: nothing does (the slot stopped). */
  setLive(upstream: CountedUpstream | null): void {
    if (this.live?.upstream === upstream) return;
    if (upstream === null) {
      this.live = null;
      return;
    }
    const series = new SeriesHistory(upstream);
    this.all.push(series);
    this.active.add(series);
    this.live = series;
    if (this.lastStep === -1) this.lastStep = Math.floor(this.now() / 1000) - 1;
    this.startClock();
  }

  /** The window's steps, newest `windowSeconds` of them (at most an hour), of every series that has one in it. */
  read(windowSeconds: number): Omit<SlotMetrics, 'slotId'> {
    const window = Math.min(Math.max(1, Math.floor(windowSeconds)), MAX_METRICS_WINDOW_SECONDS);
    const stepSeconds = stepSecondsFor(window);
    const end = stepSeconds === 1 ? this.lastStep + 1 : Math.floor((this.lastStep + 1) / 10) * 10;
    const from = end - window;
    const series: MetricsSeries[] = [];
    for (const one of this.all) {
      const points = (stepSeconds === 1 ? one.seconds : one.tens).pointsSince(from);
      if (points.length > 0) series.push({ color: one.color, deploymentId: one.deploymentId, points });
    }
    return { stepSeconds, series };
  }

  /**
   * Ends every 1 s step that is over by `nowMs` (normally the one just past): each active series
   * takes its counts, and the step goes out to `onStep`.
   */
  tick(nowMs = this.now()): void {
    const ended = Math.floor(nowMs / 1000) - 1;
    if (ended <= this.lastStep) return;
    this.lastStep = ended;
    const seconds: MetricsSeries[] = [];
    const tens: MetricsSeries[] = [];
    for (const series of this.active) {
      const { second, ten } = series.step(ended);
      seconds.push(wire(series, second));
      if (ten) tens.push(wire(series, ten));
      if (ten && series !== this.live && series.upstream.inFlight === 0 && second.requests === 0) this.active.delete(series);
    }
    this.forget(ended - MAX_METRICS_WINDOW_SECONDS);
    this.options.onStep?.({ stepSeconds: 1, series: seconds });
    if (tens.length > 0) this.options.onStep?.({ stepSeconds: 10, series: tens });
    if (this.active.size === 0) this.stopClock();
  }

  /** Stops stepping (the slot's proxy closed); what is stored stays readable. */
  close(): void {
    this.live = null;
    this.active.clear();
    this.stopClock();
  }

  private forget(before: number): void {
    for (let i = this.all.length - 1; i >= 0; i--) {
      const series = this.all[i]!;
      if (!this.active.has(series) && series.lastT < before) this.all.splice(i, 1);
    }
  }

  private startClock(): void {
    if (this.timer !== null || this.options.clock === false) return;
    const arm = (): void => {
      const now = this.now();
      this.timer = setTimeout(() => {
        this.timer = null;
        this.tick();
        if (this.active.size > 0) arm();
      }, 1000 - (now % 1000) + TICK_DELAY_MS);
      // The agent's life is its slots and connections; a metrics clock alone must not keep it up.
      this.timer.unref();
    };
    arm();
  }

  private stopClock(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }
}

function wire(series: SeriesHistory, step: StepPoint): MetricsSeries {
  return { color: series.color, deploymentId: series.deploymentId, points: [wirePoint(step)] };
}
