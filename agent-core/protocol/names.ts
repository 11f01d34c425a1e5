import { z } from 'zod';

export const MAX_NAME_LENGTH = 64;

// Windows refuses these as file or folder names whatever the extension (CON, CON.txt, LPT1.log…).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[<>:"/\\|?*\u0000-\u001f]/;

/** Why a name cannot become one path segment, or null when it can. */
export function pathSegmentProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name === '.' || name === '..') return 'is a relative path';
  if (FORBIDDEN_CHARACTERS.test(name)) return 'contains a path separator or a character Windows forbids in file names';
  if (/[. ]$/.test(name)) return 'ends with a dot or a space';
  if (WINDOWS_RESERVED.test(name)) return 'is a reserved Windows device name';
  return null;
}

/** A name from the server or a user that will become a folder or file name under the storage path. */
export const PathSegmentName = z.string().superRefine((value, ctx) => {
  const problem = pathSegmentProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: `'${value}' ${problem}` });
});
