import type { z } from 'zod';

/**
 * What zod found wrong, one `path: message` per issue joined by `; `, for an error a person reads.
 * `whole` names the value itself, for an issue about it rather than one of its fields.
 */
export function describeIssues(error: z.ZodError, whole: string): string {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`).join('; ');
}
