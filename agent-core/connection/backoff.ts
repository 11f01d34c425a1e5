export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** A connection that stayed up this long starts the delays over. */
  resetAfterMs?: number;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * each delay is uniform in [0, min(cap, base · 2^attempt)), so agents that lost the same server
 * at the same moment do not all come back at once.
 */
export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 500;
    this.capMs = options.capMs ?? 30_000;
    this.resetAfterMs = options.resetAfterMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt, given how long the connection that just ended had been up. */
  next(upForMs = 0): number {
    if (upForMs >= this.resetAfterMs) this.attempt = 0;
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return this.random() * ceiling;
  }

  reset(): void {
    this.attempt = 0;
  }
}
