import { z } from 'zod';
import { Deployment } from '../deployment';
import { SlotSpec } from '../slot-spec';
import { SlotStatus } from '../slot-status';
import { DirectorySource, GitSource, Source } from '../source';

/** Who owns a slot's spec: the control plane (read-only here) or this machine's user. */
export const SlotOrigin = z.enum(['server', 'local']);
export type SlotOrigin = z.infer<typeof SlotOrigin>;

/** Where a local slot takes its code from: a directory under a source root, or a branch of its repository. */
export const LocalSlotSource = z.discriminatedUnion('kind', [DirectorySource, GitSource]);
export type LocalSlotSource = z.infer<typeof LocalSlotSource>;

/** A slot as the window and the CLI show it, without its deployments. */
export const SlotSummary = z.object({
  id: z.string(),
  origin: SlotOrigin,
  /** Every secret (repository token, secret variables) reads `***`. */
  spec: SlotSpec,
  /** What a deploy without a source takes: a local slot's own source, else the last deployment's. */
  source: Source.nullable(),
  status: SlotStatus,
});
export type SlotSummary = z.infer<typeof SlotSummary>;

export const SlotView = SlotSummary.extend({
  /** Newest first; soft-deleted deployments are left out. */
  deployments: z.array(Deployment),
});
export type SlotView = z.infer<typeof SlotView>;

export const HostInfo = z.object({
  name: z.string(),
  hostname: z.string(),
  os: z.string(),
  arch: z.string(),
  version: z.string(),
  storagePath: z.string(),
});
export type HostInfo = z.infer<typeof HostInfo>;

/** settings.json as a person may see it; the API key itself is never read back, only whether one is set. */
export const SettingsView = z.object({
  name: z.string(),
  serverUrl: z.string().nullable(),
  sourceRoots: z.array(z.string()),
  storagePath: z.string(),
  /** Where the API key comes from: none set, the OS keychain, or the BERTH_API_KEY environment variable (which wins). */
  apiKey: z.enum(['none', 'keychain', 'env']),
});
export type SettingsView = z.infer<typeof SettingsView>;

/** The agent's link to the control plane; the same states as the connection module's. */
export const ConnectionStatus = z.enum([
  /** No server URL or no API key, or stopped on purpose: the agent works on its own. */
  'disabled',
  'connecting',
  /** Connected and welcomed by the server. */
  'online',
  /** Lost or unreachable; the next attempt is at `retryAt`. */
  'offline',
  /** The server refused the API key; the next attempt is at `retryAt`, or at once when the key changes. */
  'key-rejected',
  /** Another connection of this host took over; the next attempt is at `retryAt`. */
  'replaced',
  /** The server does not speak this protocol version; nothing is retried until the URL or the agent changes. */
  'protocol-unsupported',
]);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const ConnectionView = z.object({
  status: ConnectionStatus,
  serverUrl: z.string().nullable(),
  hostId: z.string().nullable(),
  /** What a person should know about the state (why it is disabled, offline…), or null. */
  message: z.string().nullable(),
  /** Since when the agent is online, or null. */
  since: z.string().nullable(),
  retryAt: z.string().nullable(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

/** The storage disk's free space; `low` under the floor (new deployments are refused) or after a write found it full. */
export const StorageView = z.object({
  low: z.boolean(),
  freeBytes: z.number().nonnegative(),
  floorBytes: z.number().nonnegative(),
  /** What to tell the person while `low`, else null. */
  message: z.string().nullable(),
});
export type StorageView = z.infer<typeof StorageView>;

/** Everything the window shows, at one `version` of the agent's state. */
export const AgentState = z.object({
  version: z.number().int().nonnegative(),
  host: HostInfo,
  connection: ConnectionView,
  settings: SettingsView,
  slots: z.array(SlotView),
  storage: StorageView,
});
export type AgentState = z.infer<typeof AgentState>;
