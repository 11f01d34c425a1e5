import { z } from 'zod';

/** A read of a deployment's log: `slot.logs` on the wire, `logs.read` in the local API. */
export const LogText = z.object({
  deploymentId: z.string(),
  text: z.string(),
  /** True when `text` is not the whole log. */
  truncated: z.boolean(),
  /** The byte offset of the first byte of `text` in the deployment's log (dropped bytes counted too). */
  offset: z.number().int().nonnegative(),
  /** `offset` + the byte length of `text`: subscribe from here to follow without a gap or a repeat. */
  endOffset: z.number().int().nonnegative(),
});
export type LogText = z.infer<typeof LogText>;
