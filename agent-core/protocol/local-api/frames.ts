import { z } from 'zod';
import { Deployment } from '../deployment';
import { BerthError, ErrorCode } from '../errors';

export const RequestFrame = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ResponseError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** The failed deployment, when the failure created one. */
  deployment: Deployment.optional(),
});
export type ResponseError = z.infer<typeof ResponseError>;

export const ResponseFrame = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(false), error: ResponseError }),
]);
export type ResponseFrame = z.infer<typeof ResponseFrame>;

export const EventFrame = z.object({ type: z.literal('event'), event: z.unknown() });
export type EventFrame = z.infer<typeof EventFrame>;

/** Anything the agent sends to a client; the event inside is validated on its own. */
export const ServerFrame = z.union([ResponseFrame, EventFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export type Frame = RequestFrame | ResponseFrame | EventFrame;

/** A failed call as the caller sees it: the agent's code and message, and the failed deployment if one was made. */
export class LocalApiError extends BerthError {
  readonly deployment: Deployment | undefined;

  constructor(error: ResponseError) {
    super(error.code, error.message);
    this.name = 'LocalApiError';
    this.deployment = error.deployment;
  }
}
