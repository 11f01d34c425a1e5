import { z } from 'zod';
import { Deployment } from '../deployment';
import { LogText } from '../log-text';
import { SlotSpec } from '../slot-spec';
import { SlotStatus } from '../slot-status';
import { Source } from '../source';
import { METRICS_WINDOW_SECONDS, SlotMetrics } from '../traffic-metrics';
import { HealthCheckFound, ProposeParams, SlotProposal } from './slot-proposal';
import { AgentState, ConnectionView, LocalSlotSource, SettingsView, SlotView } from './state';

/** A slot by its id, by `workspace/name`, or by a name that is unique on this host. */
export const SlotRef = z.string().min(1, 'name the slot: its id, workspace/name or name');

const Empty = z.object({});
const OnSlot = z.object({ slot: SlotRef });

/**
 * An id the client makes for one call (the window and the CLI: `local-` and a random UUID), so
 * that it follows the `progress` of its own deployment and not one someone else started at the
 * same moment. The prefix keeps it apart from the control plane's command ids.
 */
export const LocalCommandId = z.string().regex(/^local-[A-Za-z0-9_-]{8,100}$/, 'a local command id is local- and 8 to 100 letters, digits, _ or -');

/** A read of a deployment's log, the same as the control plane's `slot.logs` answer. */
export { LogText };

/**
 * Every local-API call: its method name, the params it takes and the result it answers with.
 * The server's handler table and the client's `call` are both typed from this one map.
 */
export const LocalApiRequests = {
  /** The whole state now. */
  'state.get': { params: Empty, result: AgentState },
  /** The whole state now, then a `state.delta` event for each change. */
  'state.subscribe': { params: Empty, result: AgentState },
  'state.unsubscribe': { params: Empty, result: Empty },

  'slot.start': { params: OnSlot, result: SlotStatus },
  'slot.stop': { params: OnSlot, result: SlotStatus },
  'slot.restart': { params: OnSlot, result: SlotStatus },
  /**
   * Runs a deployment to its end; `progress` events tell its steps meanwhile, each carrying
   * `commandId` when one was given. Without `source`, the slot's own.
   */
  'slot.deploy': {
    params: OnSlot.extend({
      commandId: LocalCommandId.optional(),
      source: Source.optional(),
      promote: z.boolean().default(true),
      note: z.string().max(500).nullable().optional(),
    }),
    result: Deployment,
  },
  'slot.promote': { params: OnSlot.extend({ deploymentId: z.string().min(1) }), result: Deployment },
  /** Without `deploymentId`: the production deployment before the current one. */
  'slot.rollback': { params: OnSlot.extend({ deploymentId: z.string().min(1).optional() }), result: Deployment },

  'deployments.list': { params: OnSlot, result: z.object({ deployments: z.array(Deployment) }) },
  /** Soft delete; the production deployment cannot be deleted. */
  'deployments.delete': { params: OnSlot.extend({ deploymentId: z.string().min(1) }), result: Deployment },

  /** A deployment's log (default: the latest), or the last failed one's; `tailBytes` keeps the end only. */
  'logs.read': {
    params: OnSlot.extend({
      deploymentId: z.string().min(1).optional(),
      which: z.enum(['latest', 'failure']).default('latest'),
      tailBytes: z.number().int().positive().optional(),
    }),
    result: LogText,
  },
  /**
   * Streams the slot's output written from now on as `log` events (of one deployment when given);
   * with `fromOffset` (and its `deploymentId`), that log's stored output from there first.
   */
  'logs.subscribe': {
    params: OnSlot.extend({ deploymentId: z.string().min(1).optional(), fromOffset: z.number().int().nonnegative().optional() }).refine(
      (params) => params.fromOffset === undefined || params.deploymentId !== undefined,
      { message: "fromOffset counts in one deployment's log: give its deploymentId too", path: ['fromOffset'] },
    ),
    result: z.object({ subscriptionId: z.string() }),
  },
  'logs.unsubscribe': { params: z.object({ subscriptionId: z.string() }), result: Empty },

  /** The slot's traffic over the last `windowSeconds` (1 s steps up to 300 s, else 10 s), like `slot.metrics`. */
  'metrics.read': { params: OnSlot.extend({ windowSeconds: METRICS_WINDOW_SECONDS }), result: SlotMetrics },
  /**
   * The history now (of one slot, or without `slot` of every blue-green slot), then a `metrics`
   * event per finished step (1 s or 10 s, as the window reads) with the new point of each series.
   */
  'metrics.subscribe': {
    params: z.object({ slot: SlotRef.optional(), windowSeconds: METRICS_WINDOW_SECONDS }),
    result: z.object({ subscriptionId: z.string(), metrics: z.array(SlotMetrics) }),
  },
  'metrics.unsubscribe': { params: z.object({ subscriptionId: z.string() }), result: Empty },

  'settings.get': { params: Empty, result: SettingsView },
  'settings.update': {
    params: z.object({
      name: z.string().trim().min(1).max(128).optional(),
      serverUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
      sourceRoots: z.array(z.string().min(1)).optional(),
    }),
    result: SettingsView,
  },
  /** Stores the API key in the OS keychain; no call ever returns it. */
  'apiKey.set': { params: z.object({ apiKey: z.string().trim().min(1) }), result: SettingsView },
  'apiKey.clear': { params: Empty, result: SettingsView },
  /** Connects to the control plane now instead of waiting for the next retry. */
  'connection.retry': { params: Empty, result: ConnectionView },

  /** Defines a slot on this machine only; it deploys without any control plane. */
  'localSlots.create': { params: z.object({ spec: SlotSpec, source: LocalSlotSource }), result: SlotView },
  /** Replaces a local slot's spec (a secret sent back as `***` keeps its value) and, when given, its source. */
  'localSlots.update': {
    params: OnSlot.extend({ spec: SlotSpec, source: LocalSlotSource.optional() }),
    result: SlotView,
  },
  /** Stops a local slot and deletes it with its deployments. */
  'localSlots.remove': { params: OnSlot, result: Empty },
  /** Looks at a folder under a source root and proposes a blue-green local slot for it; creates nothing. */
  'localSlots.propose': { params: ProposeParams, result: SlotProposal },
  /**
   * For a local slot without a health-check path: tries /healthz, /health and / on its live
   * deployment and keeps the first that answers in the slot's spec.
   */
  'localSlots.findHealthCheck': { params: OnSlot, result: HealthCheckFound },

  /** A fresh one-time link that logs a browser into the window this agent serves (headless mode only). */
  'ui.loginUrl': { params: Empty, result: z.object({ url: z.string() }) },
} as const;

export type LocalApiMethod = keyof typeof LocalApiRequests;
export const LOCAL_API_METHODS = Object.keys(LocalApiRequests) as LocalApiMethod[];

/** What a caller passes (defaults not yet applied). */
export type RequestParamsInput<M extends LocalApiMethod> = z.input<(typeof LocalApiRequests)[M]['params']>;
/** What a handler receives (validated, defaults applied). */
export type RequestParams<M extends LocalApiMethod> = z.output<(typeof LocalApiRequests)[M]['params']>;
export type RequestResult<M extends LocalApiMethod> = z.output<(typeof LocalApiRequests)[M]['result']>;
/** What a handler may answer with before the client validates it. */
export type RequestResultInput<M extends LocalApiMethod> = z.input<(typeof LocalApiRequests)[M]['result']>;

export function isLocalApiMethod(name: string): name is LocalApiMethod {
  return Object.hasOwn(LocalApiRequests, name);
}
