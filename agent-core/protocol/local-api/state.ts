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
  apiKeySet: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const ConnectionStatus = z.enum([
  /** No server URL or no API key: the agent works on its own. */
  'not-configured',
  'connecting',
  'connected',
  /** Lost or refused; waiting for `retryAt` before the next attempt. */
  'waiting',
  /** The server refused the API key; set another one. */
  'rejected',
  /** The server does not speak this protocol version, or the agent is stopping. */
  'stopped',
]);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const ConnectionView = z.object({
  status: ConnectionStatus,
  serverUrl: z.string().nullable(),
  hostId: z.string().nullable(),
  /** What a person should know about the last failure, or null. */
  message: z.string().nullable(),
  retryAt: z.string().nullable(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

/** Everything the window shows, at one `version` of the agent's state. */
export const AgentState = z.object({
  version: z.number().int().nonnegative(),
  host: HostInfo,
  connection: ConnectionView,
  settings: SettingsView,
  slots: z.array(SlotView),
});
export type AgentState = z.infer<typeof AgentState>;
