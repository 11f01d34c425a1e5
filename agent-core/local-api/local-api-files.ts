import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BerthError } from '../protocol';
import { isProcessAlive } from '../runner/process-identity';

/** The secret a non-browser client (the CLI) shows to the WebSocket; readable by the user alone. */
export const TOKEN_FILE = 'local-api.token';
/** Where a running agent's WebSocket listens, so the CLI can find it. */
export const ENDPOINT_FILE = 'local-api.json';
/** The WebSocket's path on that port. */
export const API_PATH = '/api';

const Endpoint = z.object({ port: z.number().int().min(1).max(65_535), pid: z.number().int().positive() });
export type LocalApiEndpoint = z.infer<typeof Endpoint>;

export interface LocalApiAccess extends LocalApiEndpoint {
  token: string;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A fresh token on each start. The old file is removed first and the new one created with mode
 * 0600 and O_EXCL, so the token never sits in a file that others could read. (On Windows the mode
 * is ignored; the storage folder under the user's AppData is private to the user already.)
 */
export function writeTokenFile(storagePath: string, token: string): void {
  const path = join(storagePath, TOKEN_FILE);
  rmSync(path, { force: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
}

export function writeEndpointFile(storagePath: string, endpoint: LocalApiEndpoint): void {
  writeFileSync(join(storagePath, ENDPOINT_FILE), `${JSON.stringify(endpoint)}\n`);
}

/** Removes both files, unless another agent has replaced them since (its token differs). */
export function removeLocalApiFiles(storagePath: string, token: string): void {
  const tokenPath = join(storagePath, TOKEN_FILE);
  try {
    if (readFileSync(tokenPath, 'utf8').trim() !== token) return;
  } catch {
    return;
  }
  rmSync(join(storagePath, ENDPOINT_FILE), { force: true });
  rmSync(tokenPath, { force: true });
}

/** How to reach the agent that runs with this storage folder, or why it cannot be reached. */
export function readLocalApiAccess(storagePath: string): LocalApiAccess {
  const endpointPath = join(storagePath, ENDPOINT_FILE);
  if (!existsSync(endpointPath)) {
    throw new BerthError('NOT_FOUND', `no Berth agent is running with storage ${storagePath}; start one with 'berth-agent run' (or pass --storage)`);
  }
  const endpoint = Endpoint.safeParse(readJson(endpointPath));
  if (!endpoint.success) throw new BerthError('INTERNAL', `${endpointPath} is damaged; restart the agent to write it again`);
  if (!isProcessAlive(endpoint.data.pid)) {
    throw new BerthError('NOT_FOUND', `the Berth agent that used storage ${storagePath} (pid ${endpoint.data.pid}) is no longer running; start it with 'berth-agent run'`);
  }
  let token: string;
  try {
    token = readFileSync(join(storagePath, TOKEN_FILE), 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'run this command as the user the agent runs as' : `(${code ?? String(error)})`;
    throw new BerthError('INTERNAL', `cannot read ${join(storagePath, TOKEN_FILE)}: ${why}`);
  }
  return { ...endpoint.data, token };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

