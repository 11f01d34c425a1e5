import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLocalApiAccess, TOKEN_FILE } from '../../agent-core/local-api';
import { ApiKeyStore, KeychainSecretStore } from '../../agent-core/secrets';
import { startServiceAgent, type ServiceAgent } from '../../agent-core/service';
import { bridgeToService } from '../../agent-core/utility-process';
import { TestParentPort } from '../fixtures/parent-port';
import { makeTempDir } from '../fixtures/temp-dir';

const noEnv = {};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function keychain(): KeychainSecretStore {
  const store = new KeychainSecretStore(`berth-test-${randomUUID()}`);
  cleanups.push(async () => {
    for (const account of await store.accounts()) await store.delete(account);
  });
  return store;
}

/**
 * The Windows service's agent, in this process: its own keychain, its storage (which the user cannot
 * read on Windows), and the access folder it copies its local API's endpoint and token into.
 */
async function startService(serviceKey?: string): Promise<{ service: ServiceAgent; storagePath: string; accessPath: string; secrets: KeychainSecretStore }> {
  const storage = makeTempDir();
  const access = makeTempDir();
  const secrets = keychain();
  if (serviceKey) await new ApiKeyStore(secrets, noEnv).save(serviceKey);
  const service = await startServiceAgent({ storagePath: storage.path, accessPath: access.path, secretStore: secrets, log: () => undefined });
  cleanups.push(storage.cleanup, access.cleanup, () => service.stop());
  return { service, storagePath: storage.path, accessPath: access.path, secrets };
}


describe('key handover', () => {
  it('hands the key the user entered to a service that has none, into the service’s own store', async () => {
    const { storagePath, accessPath, secrets } = await startService();
    const user = new ApiKeyStore(keychain(), noEnv);
    await user.save('bk_live_user_key');
    const parent = new TestParentPort();
    const bridge = await bridgeToService(parent, { accessPath, userKeys: user, log: () => undefined });
    expect(bridge.handover).toBe('handed-over');
    expect(await new ApiKeyStore(secrets, noEnv).read()).toEqual({ value: 'bk_live_user_key', source: 'keychain' });

    // The window, through the relay, sees the service's agent with the key set, and never the key itself.
    const window = parent.connect();
    const settings = await window.call('settings.get');
    expect(settings).toMatchObject({ storagePath, apiKey: 'keychain' });
    expect(JSON.stringify(await window.call('state.get'))).not.toContain('bk_live_user_key');
    parent.send({ type: 'stop' });
    await bridge.stopped;
  });

  it('leaves a key the service already has alone', async () => {
    const { accessPath, secrets } = await startService('bk_live_service_key');
    const user = new ApiKeyStore(keychain(), noEnv);
    await user.save('bk_live_old_user_key');
    const parent = new TestParentPort();
    const bridge = await bridgeToService(parent, { accessPath, userKeys: user, log: () => undefined });
    expect(bridge.handover).toBe('service-has-key');
    expect((await new ApiKeyStore(secrets, noEnv).read())?.value).toBe('bk_live_service_key');
    parent.send({ type: 'stop' });
    await bridge.stopped;
  });

  it('relays a key entered in the window straight to the service', async () => {
    const { accessPath, secrets } = await startService();
    const parent = new TestParentPort();
    const bridge = await bridgeToService(parent, { accessPath, userKeys: new ApiKeyStore(keychain(), noEnv), log: () => undefined });
    expect(bridge.handover).toBe('no-key');
    expect(await parent.notice('ready')).toEqual({ type: 'ready', mode: 'service' });
    const window = parent.connect();
    await window.call('apiKey.set', { apiKey: 'bk_live_typed_in_window' });
    expect((await new ApiKeyStore(secrets, noEnv).read())?.value).toBe('bk_live_typed_in_window');
    parent.send({ type: 'stop' });
    await bridge.stopped;
  });

  it('fails with a clear message when the service is not running', async () => {
    const storage = makeTempDir();
    cleanups.push(storage.cleanup);
    const parent = new TestParentPort();
    await expect(bridgeToService(parent, { accessPath: storage.path, userKeys: new ApiKeyStore(keychain(), noEnv), log: () => undefined })).rejects.toThrow(
      /no Berth agent is running with storage .*was it installed for you\? Only that user can read/,
    );
  });

  it('reaches the service with the token it copies into the access folder, which it removes when it stops', async () => {
    const { service, storagePath, accessPath } = await startService();
    expect(readFileSync(join(accessPath, TOKEN_FILE), 'utf8')).toBe(readFileSync(join(storagePath, TOKEN_FILE), 'utf8'));
    expect(readLocalApiAccess(accessPath).port).toBe(readLocalApiAccess(storagePath).port);
    if (process.platform !== 'win32') expect(statSync(join(accessPath, TOKEN_FILE)).mode & 0o077).toBe(0);
    await service.stop();
    expect(readdirSync(accessPath)).toEqual([]);
  });
});
