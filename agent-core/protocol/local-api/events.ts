import { z } from 'zod';
import { CommandStep } from '../command-step';
import { Deployment } from '../deployment';
import { MetricsSeries } from '../traffic-metrics';
import { AgentState, ConnectionView, SettingsView, SlotSummary, StorageView } from './state';

/** One change of the agent's state; applying every delta in version order keeps a copy equal to the agent's. */
export const StateDelta = z.discriminatedUnion('kind', [
  /** A slot appeared, or its spec or status changed. */
  z.object({ kind: z.literal('slot'), slot: SlotSummary }),
  z.object({ kind: z.literal('slot.removed'), slotId: z.string() }),
  /** A deployment appeared or changed; one with `expiresAt` set was deleted and leaves the lists. */
  z.object({ kind: z.literal('deployment'), deployment: Deployment }),
  z.object({ kind: z.literal('connection'), connection: ConnectionView }),
  z.object({ kind: z.literal('settings'), settings: SettingsView }),
  /** The storage disk went under its floor or filled, or has room again. */
  z.object({ kind: z.literal('storage'), storage: StorageView }),
]);
export type StateDelta = z.infer<typeof StateDelta>;

/** A step of a running deployment, start or promotion. */
export const ProgressEvent = z.object({
  slotId: z.string(),
  deploymentId: z.string().nullable(),
  /** The control-plane command, or the id the local client gave its call (`local-…`; one of the agent's own without it). */
  commandId: z.string().nullable(),
  step: z.string(),
  message: z.string(),
  branch: z.string().optional(),
  outcome: z.enum(['merged', 'skipped']).optional(),
  /** A command of the template started or ended (`step: 'command'`). */
  command: CommandStep.optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** Live output at a byte offset of a deployment's log, or a range this client lost while it was behind. */
export const LogChunk = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('data'), offset: z.number().int().nonnegative(), data: z.string() }),
  z.object({ kind: z.literal('gap'), fromOffset: z.number().int().nonnegative(), toOffset: z.number().int().nonnegative() }),
]);
export type LogChunk = z.infer<typeof LogChunk>;

export const LocalApiEvent = z.discriminatedUnion('type', [
  /** The whole state again: sent when this client fell too far behind to be sent each delta. */
  z.object({ type: z.literal('state.snapshot'), state: AgentState }),
  z.object({ type: z.literal('state.delta'), version: z.number().int().positive(), delta: StateDelta }),
  z.object({ type: z.literal('progress'), progress: ProgressEvent }),
  z.object({
    type: z.literal('log'),
    subscriptionId: z.string(),
    slotId: z.string(),
    deploymentId: z.string(),
    chunk: LogChunk,
  }),
  /** A finished step of a slot's traffic: only the new point of each series that has one in it. */
  z.object({
    type: z.literal('metrics'),
    subscriptionId: z.string(),
    slotId: z.string(),
    stepSeconds: z.union([z.literal(1), z.literal(10)]),
    series: z.array(MetricsSeries),
  }),
]);
export type LocalApiEvent = z.infer<typeof LocalApiEvent>;
export type StateDeltaEvent = Extract<LocalApiEvent, { type: 'state.delta' }>;
export type LogEvent = Extract<LocalApiEvent, { type: 'log' }>;
export type MetricsEvent = Extract<LocalApiEvent, { type: 'metrics' }>;
