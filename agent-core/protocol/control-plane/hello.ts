import { z } from 'zod';
import { SlotStatus } from '../slot-status';

export const AgentInfo = z.object({
  /** The host's display name (settings.name). */
  name: z.string(),
  version: z.string(),
  /** Node's `process.platform`: win32, darwin, linux. */
  os: z.string(),
  /** Node's `process.arch`: x64, arm64. */
  arch: z.string(),
  hostname: z.string(),
  /** The host's non-internal IP addresses. */
  addresses: z.array(z.string()),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/** The agent's first frame on every connection. */
export const HelloMessage = z.object({
  type: z.literal('hello'),
  protocol: z.literal(1),
  agent: AgentInfo,
  /** Every slot the agent knows. */
  slots: z.array(SlotStatus),
  /** The highest `seq` the agent has assigned so far (0 before the first reliable message). */
  lastSeq: z.number().int().min(0),
});
export type HelloMessage = z.infer<typeof HelloMessage>;
