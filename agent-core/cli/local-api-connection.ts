import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import { LocalApiClient, openWebSocketTransport } from '../protocol/local-api';
// Only the files module: the CLI must not load the whole agent just to talk to it.
import { API_PATH, readLocalApiAccess } from '../local-api/local-api-files';
import { defaultStoragePath } from '../settings/storage-path';

/**
 * Connects to the agent running with this storage folder: its port and token are in the folder
 * (local-api.json, local-api.token), so only a user who can read the token can talk to it.
 */
export async function connectToAgent(storage: string | undefined): Promise<LocalApiClient> {
  const storagePath = resolve(storage ?? defaultStoragePath());
  const access = readLocalApiAccess(storagePath);
  const socket = new WebSocket(`ws://127.0.0.1:${access.port}${API_PATH}`, {
    headers: { Authorization: `Bearer ${access.token}` },
    handshakeTimeout: 10_000,
  });
  const transport = await openWebSocketTransport(socket);
  return new LocalApiClient(transport);
}
