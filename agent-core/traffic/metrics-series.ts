import type { Color } from '../protocol';
import { LatencyHistogram } from './latency-histogram';
import { MetricsRing, type StepPoint } from './metrics-ring';
import type { TrafficStep } from './traffic-counter';

/** 1 s steps for the last 5 minutes. */
export const SECOND_STEPS = 300;
/** 10 s steps for the last hour. */
export const TEN_SECOND_STEPS = 360;

/** What a series reads its steps from: a Target. */
export interface CountedUpstream {
  readonly color: Color;
  readonly deploymentId: string;
  readonly inFlight: number;
  readonly counter: { takeStep(): TrafficStep };
}

/** The points one step added to a series: its 1 s point, and the 10 s point it finished, if any. */
export interface SeriesStep {
  second: StepPoint;
  ten: StepPoint | null;
}

/**
 * The steps of one Target (one color serving one deployment from one swap): its 1 s points, and
 * its 10 s points, made by adding up ten 1 s steps (counts summed, latency histograms merged, so
 * a 10 s p95 is a true p95 and not an average of ten).
 */
export class SeriesHistory {
  readonly seconds = new MetricsRing(SECOND_STEPS);
  readonly tens = new MetricsRing(TEN_SECOND_STEPS);
  private tenStart = -1;
  private tenRequests = 0;
  private ten4xx = 0;
  private ten5xx = 0;
  private readonly tenLatency = new LatencyHistogram();

  constructor(readonly upstream: CountedUpstream) {}

  get color(): Color {
    return this.upstream.color;
  }

  get deploymentId(): string {
    return this.upstream.deploymentId;
  }

  /** Takes the upstream's counts for the step that started at second `t` (its last step may have been any time before). */
  step(t: number): SeriesStep {
    const counts = this.upstream.counter.takeStep();
    const inFlight = this.upstream.inFlight;
    const second = point(t, counts.requests, counts.status4xx, counts.status5xx, counts.latency, inFlight);
    this.seconds.push(second);
    const tenT = t - (t % 10);
    // A step missed across a 10 s boundary (the event loop was held up): that 10 s step is over.
    let ten = this.tenStart !== -1 && this.tenStart !== tenT ? this.closeTen(inFlight) : null;
    if (this.tenStart === -1) this.tenStart = tenT;
    this.tenRequests += counts.requests;
    this.ten4xx += counts.status4xx;
    this.ten5xx += counts.status5xx;
    this.tenLatency.add(counts.latency);
    if ((t + 1) % 10 === 0) ten = this.closeTen(inFlight);
    return { second, ten };
  }

  /** The newest step this series has, 1 s or 10 s. */
  get lastT(): number {
    return Math.max(this.seconds.lastT, this.tens.lastT);
  }

  get bytes(): number {
    return this.seconds.bytes + this.tens.bytes;
  }

  private closeTen(inFlight: number): StepPoint {
    const ten = point(this.tenStart, this.tenRequests, this.ten4xx, this.ten5xx, this.tenLatency, inFlight);
    this.tens.push(ten);
    this.tenStart = -1;
    this.tenRequests = 0;
    this.ten4xx = 0;
    this.ten5xx = 0;
    this.tenLatency.reset();
    return ten;
  }
}

function point(t: number, requests: number, status4xx: number, status5xx: number, latency: LatencyHistogram, inFlight: number): StepPoint {
  return {
    t,
    requests,
    status4xx,
    status5xx,
    p50Ms: latency.percentile(0.5) ?? NaN,
    p95Ms: latency.percentile(0.95) ?? NaN,
    p99Ms: latency.percentile(0.99) ?? NaN,
    inFlight,
  };
}
