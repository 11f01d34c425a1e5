import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyStore, KeychainSecretStore } from '../../agent-core/secrets';
import { startServiceAgent, type ServiceAgent } from '../../agent-core/service';
import { bridgeToService } from '../../agent-core/utility';
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

/** The Windows service's agent, in this process: its own keychain, its WebSocket API and token in the storage folder. */
async function startService(serviceKey?: string): Promise<{ service: ServiceAgent; storagePath: string; secrets: KeychainSecretStore }> {
  const storage = makeTempDir();
  const secrets = keychain();
  if (serviceKey) await new ApiKeyStore(secrets, noEnv).save(serviceKey);
  const service = await startServiceAgent({ storagePath: storage.path, secretStore: secrets, log: () => undefined });
  cleanups.push(storage.cleanup, () => service.stop());
  return { service, storagePath: storage.path, secrets };
}


describe('key handover', () => {
  it('hands the key the user entered to a service that has none, into the service’s own store', async () => {
    const { storagePath, secrets } = await startService();
    const user = new ApiKeyStore(keychain(), noEnv);
    await user.save('bk_live_user_key');
    const parent = new TestParentPort();
    const bridge = await bridgeToService(parent, { storagePath, userKeys: user, log: () => undefined });
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
    const { storagePath, secrets } = await startService('bk_live_service_key');
    const user = new ApiKeyStore(keychain(), noEnv);
    await user.save('bk_live_old_user_key');
    const parent = new TestParentPort();
    const bridge = await bridgeToService(parent, { storagePath, userKeys: user, log: () => undefined });
    expect(bridge.handover).toBe('service-has-key');
    expect((await new ApiKeyStore(secrets, noEnv).read())?.value).toBe('bk_live_service_key');
    parent.send({ type: 'stop' });
    await bridge.stopped;
  });

  it('relays a key entered in the window straight to the service', async () => {
    const { storagePath, secrets } = await startService();
    const parent = new TestParentPort();
    const bridge = await bridgeToService(parent, { storagePath, userKeys: new ApiKeyStore(keychain(), noEnv), log: () => undefined });
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
    await expect(bridgeToService(parent, { storagePath: storage.path, userKeys: new ApiKeyStore(keychain(), noEnv), log: () => undefined })).rejects.toThrow(
      /no Berth agent is running with storage/,
    );
  });
});
