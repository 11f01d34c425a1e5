import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENDPOINT_FILE, TOKEN_FILE } from '../local-api';

/**
 * Copies the local API's endpoint and token from the service's storage (which the installing user
 * cannot read) into the access folder, whose ACL (set at install) lets that one user read and no
 * other user anything. Token first: a reader that finds the new endpoint finds its token too.
 * Returns what removes them again, unless a later start has replaced them.
 */
export function mirrorLocalApiAccess(storagePath: string, accessPath: string): () => void {
  if (resolve(storagePath) === resolve(accessPath)) return () => undefined;
  const token = readFileSync(join(storagePath, TOKEN_FILE), 'utf8');
  const endpoint = readFileSync(join(storagePath, ENDPOINT_FILE), 'utf8');
  rmSync(join(accessPath, TOKEN_FILE), { force: true });
  writeFileSync(join(accessPath, TOKEN_FILE), token, { mode: 0o600, flag: 'wx' });
  writeFileSync(join(accessPath, ENDPOINT_FILE), endpoint, { mode: 0o600 });
  return () => {
    try {
      if (readFileSync(join(accessPath, TOKEN_FILE), 'utf8') !== token) return;
    } catch {
      return;
    }
    rmSync(join(accessPath, ENDPOINT_FILE), { force: true });
    rmSync(join(accessPath, TOKEN_FILE), { force: true });
  };
}
