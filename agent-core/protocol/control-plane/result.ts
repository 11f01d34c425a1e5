import { z } from 'zod';
import { ErrorInfo } from '../errors';
import { Seq } from './seq';

const ResultSucceeded = z.object({
  type: z.literal('result'),
  seq: Seq,
  commandId: z.string(),
  ok: z.literal(true),
  /** The command's result; its shape per command is in the command table (COMMAND_RESULTS). */
  data: z.unknown(),
});

const ResultFailed = z.object({
  type: z.literal('result'),
  seq: Seq,
  commandId: z.string(),
  ok: z.literal(false),
  error: ErrorInfo,
  /** The Deployment (status `failed`) when the command had created one. */
  data: z.unknown().optional(),
});

/** The one result of a command. */
export const ResultMessage = z.discriminatedUnion('ok', [ResultSucceeded, ResultFailed]);
export type ResultMessage = z.infer<typeof ResultMessage>;
