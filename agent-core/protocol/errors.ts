import { z } from 'zod';

export const ErrorCode = z.enum([
  'INVALID_PAYLOAD',
  'UNKNOWN_COMMAND',
  'WORKSPACE_NOT_ALLOWED',
  'NOT_FOUND',
  'UNKNOWN_VARIABLE',
  'SOURCE_FAILED',
  'COMMAND_FAILED',
  'HEALTH_CHECK_FAILED',
  'PORT_IN_USE',
  'PATH_NOT_ALLOWED',
  'LOG_NOT_AVAILABLE',
  'CANCELLED',
  /** The storage disk is full, or under the free-space floor that new deployments need. */
  'STORAGE_FULL',
  /** A guarded swap went back by itself: the new color answered too many 5xx or failed its health check. */
  'GUARD_TRIPPED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.object({ code: ErrorCode, message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** An error whose message a person can act on, carrying the protocol code it is reported under. */
export class BerthError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BerthError';
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof BerthError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  // Where no caller said which disk: a full disk is still the person's to fix, never INTERNAL.
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') {
    return { code: 'STORAGE_FULL', message: `the storage disk is full (${message}); free space or move the storage folder` };
  }
  return { code: 'INTERNAL', message };
}
