import { LatencyHistogram } from './latency-histogram';

/** What a color answered since its Target was created. */
export interface TrafficTotals {
  requests: number;
  status4xx: number;
  status5xx: number;
}

/** What a color answered in one step: counts, and the latencies of the answered requests. */
export interface TrafficStep {
  requests: number;
  status4xx: number;
  status5xx: number;
  latency: LatencyHistogram;
}

/** A status for a request the client left before any answer: counted, but neither an error nor a latency. */
export const NO_ANSWER = 0;

/**
 * One color's counts of what the proxy forwarded to it: running totals since the Target was made
 * (the guarded swap reads them), and the current step's counts and latencies, which the slot's
 * metrics history takes and resets once per step. Recording is a few increments: it runs for
 * every request.
 */
export class TrafficCounter {
  private totalRequests = 0;
  private total4xx = 0;
  private total5xx = 0;
  private step: TrafficStep = emptyStep();
  private spare: TrafficStep = emptyStep();

  /** A request (or WebSocket handshake) is over: `status` is what the client got (NO_ANSWER when none), `ms` how long it took. */
  record(status: number, ms: number): void {
    const step = this.step;
    this.totalRequests++;
    step.requests++;
    if (status >= 500) {
      this.total5xx++;
      step.status5xx++;
    } else if (status >= 400) {
      this.total4xx++;
      step.status4xx++;
    }
    if (status !== NO_ANSWER) step.latency.record(ms);
  }

  totals(): TrafficTotals {
    return { requests: this.totalRequests, status4xx: this.total4xx, status5xx: this.total5xx };
  }

  /**
   * Ends the current step and hands it over; the next one starts empty. The object handed over is
   * reused two steps later: read it before the next call.
   */
  takeStep(): TrafficStep {
    const ended = this.step;
    const next = this.spare;
    next.requests = 0;
    next.status4xx = 0;
    next.status5xx = 0;
    next.latency.reset();
    this.step = next;
    this.spare = ended;
    return ended;
  }
}

function emptyStep(): TrafficStep {
  return { requests: 0, status4xx: 0, status5xx: 0, latency: new LatencyHistogram() };
}
