import { z } from 'zod';

/** The server's answer to `hello`; the agent sends nothing reliable and runs no command before it. */
export const WelcomeMessage = z.object({
  type: z.literal('welcome'),
  hostId: z.string().min(1),
  heartbeatIntervalMs: z.number().int().positive(),
  /** Workspaces whose commands this host runs; null or absent: every workspace. */
  workspaceAllowlist: z.array(z.string()).nullable().optional(),
  /** The highest agent `seq` the server has stored; 0 while it has stored nothing. */
  ackedSeq: z.number().int().min(0),
  serverTime: z.string(),
});
export type WelcomeMessage = z.infer<typeof WelcomeMessage>;
