import { z } from 'zod';
import { Command } from './command';
import { PathSegmentName } from './names';

export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const TemplateVariable = z.object({
  name: z.string().regex(VARIABLE_NAME, 'a variable name is letters, digits and _'),
  default: z.string().nullable().optional(),
  secret: z.boolean().default(false),
});
export type TemplateVariable = z.infer<typeof TemplateVariable>;

export const Template = z.object({
  workingDirectory: z.string().nullable().optional(),
  initial: z.array(Command).default([]),
  startup: z.array(Command).default([]),
  startupExecution: z.enum(['sequential', 'parallel']).default('sequential'),
  shutdown: z.array(Command).default([]),
  variables: z.array(TemplateVariable).default([]),
  /** Berth extension: how long a stopping service gets after Ctrl+C before its tree is killed. */
  stopGraceMs: z.number().int().nonnegative().optional(),
  /** Berth extension: the limit for a whole deployment; the default is 60 minutes. */
  deployTimeoutMs: z.number().int().positive().optional(),
});
export type Template = z.infer<typeof Template>;

// kamal-proxy's defaults: check every second, each check may take 5 s, give up after 30 s.
export const HealthCheck = z.object({
  path: z.string().startsWith('/').nullable().optional(),
  expectStatus: z.number().int().min(100).max(599).default(200),
  timeoutMs: z.number().int().positive().default(30_000),
  intervalMs: z.number().int().positive().default(1_000),
  checkTimeoutMs: z.number().int().positive().default(5_000),
  /** Berth extension: how often the live color is checked between deployments. */
  watchIntervalMs: z.number().int().positive().default(30_000),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

/** For `windowMs` after a swap, too many 5xx (or a failed health check) on the new color swaps back to the warm one. */
export const TrafficGuard = z.object({
  windowMs: z.number().int().positive().default(60_000),
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  minRequests: z.number().int().positive().default(20),
});
export type TrafficGuard = z.infer<typeof TrafficGuard>;

export const Port = z.number().int().min(1).max(65_535);

export const Traffic = z.object({
  mode: z.enum(['single', 'blue-green']).default('single'),
  publicPort: Port.optional(),
  healthCheck: HealthCheck.default(HealthCheck.parse({})),
  drainTimeoutMs: z.number().int().nonnegative().default(30_000),
  /** After a swap the drained color keeps running this long without traffic, so a rollback to it is a swap; 0 turns it off. */
  keepWarmMs: z.number().int().nonnegative().default(300_000),
  guard: TrafficGuard.optional(),
});
export type Traffic = z.infer<typeof Traffic>;

export const Repository = z.object({
  url: z.string().min(1),
  token: z.string().nullable().optional(),
});
export type Repository = z.infer<typeof Repository>;

export const SlotSpec = z
  .object({
    id: PathSegmentName,
    name: PathSegmentName,
    workspace: PathSegmentName,
    url: z.string().nullable().optional(),
    repository: Repository.nullable().optional(),
    template: Template,
    variables: z.record(z.string(), z.string()).default({}),
    traffic: Traffic.default(Traffic.parse({})),
  })
  .superRefine((spec, ctx) => {
    if (spec.traffic.mode === 'blue-green' && spec.traffic.publicPort === undefined) {
      ctx.addIssue({ code: 'custom', path: ['traffic', 'publicPort'], message: 'a blue-green slot needs a publicPort' });
    }
  });
export type SlotSpec = z.infer<typeof SlotSpec>;
export type SlotSpecInput = z.input<typeof SlotSpec>;
