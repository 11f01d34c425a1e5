import { z } from 'zod';
import { Color } from './slot-status';

/** One step of a color's traffic: counts of what the proxy forwarded in it, and its latency. */
export const MetricsPoint = z.object({
  /** The start of the step (ISO 8601, whole seconds). */
  t: z.string(),
  requests: z.number().int().nonnegative(),
  status5xx: z.number().int().nonnegative(),
  status4xx: z.number().int().nonnegative(),
  /** Null in a step with no request. */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Requests under way at the end of the step. */
  inFlight: z.number().int().nonnegative(),
});
export type MetricsPoint = z.infer<typeof MetricsPoint>;

/** The steps one color served for one deployment; a swap starts a new series. */
export const MetricsSeries = z.object({
  color: Color,
  deploymentId: z.string(),
  points: z.array(MetricsPoint),
});
export type MetricsSeries = z.infer<typeof MetricsSeries>;

export const MAX_METRICS_WINDOW_SECONDS = 3600;
export const METRICS_WINDOW_SECONDS = z.number().int().positive().max(MAX_METRICS_WINDOW_SECONDS).default(300);

/** `slot.metrics`: 1 s steps for a window up to 300 s, else 10 s steps. */
export const SlotMetrics = z.object({
  slotId: z.string(),
  stepSeconds: z.union([z.literal(1), z.literal(10)]),
  series: z.array(MetricsSeries),
});
export type SlotMetrics = z.infer<typeof SlotMetrics>;
