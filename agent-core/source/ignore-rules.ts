import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Left out of every snapshot unless `.berthignore` re-includes them (`!dist/`). */
export const DEFAULT_IGNORES = ['.git/', 'node_modules/', '.next/cache/', 'dist/', 'build/', '*.log'] as const;

export const IGNORE_FILE = '.berthignore';

/** Decides for a path relative to the snapshot root, with '/' separators, whether it is left out. */
export type IgnoreTest = (relativePath: string, isDirectory: boolean) => boolean;

/** The default ignores followed by the directory's own `.berthignore` (gitignore syntax), so it can override them. */
export async function loadIgnoreRules(directory: string): Promise<IgnoreTest> {
  // Loaded on first use: only directory deployments read ignore rules.
  const { default: ignore } = await import('ignore');
  const rules = ignore().add([...DEFAULT_IGNORES]);
  const own = await readFile(join(directory, IGNORE_FILE), 'utf8').catch(() => null);
  if (own !== null) rules.add(own);
  return (relativePath, isDirectory) => rules.ignores(isDirectory ? `${relativePath}/` : relativePath);
}
