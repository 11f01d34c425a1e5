import { z } from 'zod';

/**
 * One command of a phase starting or ending, as a typed step: what the window's deploy steps and
 * the control plane's `progress` show, so that nobody has to find it in the terminal output.
 * A task ends with its exit code (null when a signal, its timeout or a cancel ended it); a service
 * only starts (it keeps running after the deployment).
 */
export const CommandStep = z.object({
  /** The command's name, or `phase #n` for one without a name. */
  name: z.string(),
  phase: z.enum(['initial', 'startup', 'shutdown']),
  /** Its place in the phase, from 0. */
  index: z.number().int().nonnegative(),
  state: z.enum(['started', 'ended']),
  /** A long-running service rather than a task that must exit 0. */
  service: z.boolean().optional(),
  /** On `ended`: the exit code, or null when it did not exit by itself. */
  exitCode: z.number().int().nullable().optional(),
  /** On `ended`: how long it ran. */
  durationMs: z.number().int().nonnegative().optional(),
});
export type CommandStep = z.infer<typeof CommandStep>;
