import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { BerthError, describeIssues } from '../protocol';

/** settings.json: what the agent needs to know that is not a secret. The API key lives in the keychain. */
export const Settings = z.object({
  name: z.string().min(1).max(128).default(hostname()),
  serverUrl: z.string().url().nullable().default(null),
  sourceRoots: z.array(z.string()).default([]),
  allowInsecureWs: z.boolean().default(false),
  extraCaFile: z.string().nullable().default(null),
  /** Interface the slots' public proxies listen on. */
  publicHost: z.string().default('0.0.0.0'),
  colorPortRange: z.tuple([z.number().int(), z.number().int()]).default([41000, 41999]),
  alertWebhookUrl: z.string().url().nullable().default(null),
  /** Free space under which no new deployment starts; null: 1 GB or 5 % of the disk, whichever is smaller. */
  storageFloorBytes: z.number().int().nonnegative().nullable().default(null),
});
export type Settings = z.infer<typeof Settings>;

export function settingsPath(storagePath: string): string {
  return join(storagePath, 'settings.json');
}

export function loadSettings(storagePath: string): Settings {
  const path = settingsPath(storagePath);
  if (!existsSync(path)) return Settings.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BerthError('INVALID_PAYLOAD', `${path} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    throw new BerthError('INVALID_PAYLOAD', `${path} has invalid settings: ${describeIssues(parsed.error, '(root)')}`);
  }
  return parsed.data;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a settings file. */
export function saveSettings(storagePath: string, settings: Settings): void {
  const path = settingsPath(storagePath);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  // Private like the rest of the storage, also when written by a CLI command that never started the agent.
  writeFileSync(temporary, `${JSON.stringify(Settings.parse(settings), null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
