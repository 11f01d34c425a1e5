import type { MetricsPoint } from '../protocol';

/** One finished step as the history stores it: `t` in whole seconds since the epoch, NaN for a missing latency. */
export interface StepPoint {
  t: number;
  requests: number;
  status4xx: number;
  status5xx: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  inFlight: number;
}

const INITIAL_CAPACITY = 16;

/**
 * The last `capacity` steps of one series, oldest first, in typed arrays (48 bytes a step, no
 * object per step). It starts small and doubles up to its capacity, so a series that lived a few
 * seconds costs little.
 */
export class MetricsRing {
  private size = INITIAL_CAPACITY;
  private start = 0;
  private length = 0;
  private t = new Float64Array(this.size);
  private requests = new Uint32Array(this.size);
  private status4xx = new Uint32Array(this.size);
  private status5xx = new Uint32Array(this.size);
  private inFlight = new Uint32Array(this.size);
  private p50 = new Float64Array(this.size);
  private p95 = new Float64Array(this.size);
  private p99 = new Float64Array(this.size);

  constructor(private readonly capacity: number) {}

  get count(): number {
    return this.length;
  }

  /** The time of the newest step, or -Infinity when empty. */
  get lastT(): number {
    return this.length === 0 ? -Infinity : this.t[(this.start + this.length - 1) % this.size]!;
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.size * 48;
  }

  push(point: StepPoint): void {
    if (this.length === this.size && this.size < this.capacity) this.grow();
    let at: number;
    if (this.length < this.size) {
      at = (this.start + this.length) % this.size;
      this.length++;
    } else {
      at = this.start;
      this.start = (this.start + 1) % this.size;
    }
    this.t[at] = point.t;
    this.requests[at] = point.requests;
    this.status4xx[at] = point.status4xx;
    this.status5xx[at] = point.status5xx;
    this.inFlight[at] = point.inFlight;
    this.p50[at] = point.p50Ms;
    this.p95[at] = point.p95Ms;
    this.p99[at] = point.p99Ms;
  }

  /** The steps that start at or after `fromT`, oldest first, as the wire shows them. */
  pointsSince(fromT: number): MetricsPoint[] {
    const points: MetricsPoint[] = [];
    for (let i = 0; i < this.length; i++) {
      const at = (this.start + i) % this.size;
      if (this.t[at]! >= fromT) points.push(this.pointAt(at));
    }
    return points;
  }

  private pointAt(at: number): MetricsPoint {
    return wirePoint({
      t: this.t[at]!,
      requests: this.requests[at]!,
      status4xx: this.status4xx[at]!,
      status5xx: this.status5xx[at]!,
      p50Ms: this.p50[at]!,
      p95Ms: this.p95[at]!,
      p99Ms: this.p99[at]!,
      inFlight: this.inFlight[at]!,
    });
  }

  private grow(): void {
    const size = Math.min(this.size * 2, this.capacity);
    const order = (from: Float64Array | Uint32Array, to: Float64Array | Uint32Array): void => {
      for (let i = 0; i < this.length; i++) to[i] = from[(this.start + i) % this.size]!;
    };
    const t = new Float64Array(size);
    const requests = new Uint32Array(size);
    const status4xx = new Uint32Array(size);
    const status5xx = new Uint32Array(size);
    const inFlight = new Uint32Array(size);
    const p50 = new Float64Array(size);
    const p95 = new Float64Array(size);
    const p99 = new Float64Array(size);
    order(this.t, t);
    order(this.requests, requests);
    order(this.status4xx, status4xx);
    order(this.status5xx, status5xx);
    order(this.inFlight, inFlight);
    order(this.p50, p50);
    order(this.p95, p95);
    order(this.p99, p99);
    Object.assign(this, { t, requests, status4xx, status5xx, inFlight, p50, p95, p99, size, start: 0 });
  }
}

/** "2026-12-04T10:00:01Z": whole seconds, as protocol.md writes them. */
export function isoSecond(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** A stored step as the wire shows it. */
export function wirePoint(step: StepPoint): MetricsPoint {
  return {
    t: isoSecond(step.t),
    requests: step.requests,
    status5xx: step.status5xx,
    status4xx: step.status4xx,
    p50Ms: latency(step.p50Ms),
    p95Ms: latency(step.p95Ms),
    p99Ms: latency(step.p99Ms),
    inFlight: step.inFlight,
  };
}

function latency(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}
