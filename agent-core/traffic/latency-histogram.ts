// Buckets grow by 2^(1/8) (about 9 %): a percentile read back as a bucket's geometric middle is
// within about 4.5 % of the true latency, which is finer than a chart or a person can tell apart.
const BUCKETS_PER_DOUBLING = 8;
/** Latencies below this fall in the first bucket: far under what a loopback round trip takes. */
export const MIN_LATENCY_MS = 0.01;
// 0.01 ms × 2^25 ≈ 335 s; longer answers all land in the last bucket.
const DOUBLINGS = 25;
export const BUCKET_COUNT = BUCKETS_PER_DOUBLING * DOUBLINGS;
const BUCKET_RATIO = 2 ** (1 / BUCKETS_PER_DOUBLING);
const LOG_SCALE = BUCKETS_PER_DOUBLING / Math.LN2;

/** The bucket a latency falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > MIN_LATENCY_MS)) return 0;
  const index = Math.floor(Math.log(ms / MIN_LATENCY_MS) * LOG_SCALE);
  return index < BUCKET_COUNT ? index : BUCKET_COUNT - 1;
}

/** The latency a bucket stands for: the geometric middle of its bounds. */
export function bucketValue(index: number): number {
  return MIN_LATENCY_MS * BUCKET_RATIO ** (index + 0.5);
}

/** The relative error of a percentile read from this histogram: half a bucket, either way. */
export const BUCKET_RELATIVE_ERROR = Math.sqrt(BUCKET_RATIO) - 1;

/**
 * Latencies in fixed logarithmic buckets: recording one is an index and an increment (no
 * allocation), two histograms add bucket by bucket (ten 1 s steps make a 10 s one), and a
 * percentile is a walk over 200 counters.
 */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKET_COUNT);
  private total = 0;

  get count(): number {
    return this.total;
  }

  record(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.total++;
  }

  add(other: LatencyHistogram): void {
    if (other.total === 0) return;
    const from = other.counts;
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += from[i]!;
    this.total += other.total;
  }

  reset(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
  }

  /** The latency at quantile `q` (0.95 for p95), rounded to 3 significant digits; null when empty. */
  percentile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Number(bucketValue(i).toPrecision(3));
    }
    return Number(bucketValue(BUCKET_COUNT - 1).toPrecision(3));
  }
}
