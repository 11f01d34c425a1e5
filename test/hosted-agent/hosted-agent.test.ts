import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openHostedAgent } from '../../agent-core/hosted-agent';
import { startHeadlessLocalApi } from '../../agent-core/local-api';
import { AgentRuntime } from '../../agent-core/runtime';
import { KeychainSecretStore } from '../../agent-core/secrets';
import { lockStorage } from '../../agent-core/store';
import { makeTempDir } from '../fixtures/temp-dir';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function storage(): string {
  const dir = makeTempDir('berth-hosted-');
  cleanups.push(dir.cleanup);
  return dir.path;
}

/** Another program on a port of 127.0.0.1. */
async function holdPort(): Promise<number> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  return (holder.address() as AddressInfo).port;
}

/** True once the next agent can open `storagePath`: the one before has closed its database and lock. */
async function storageIsFree(storagePath: string): Promise<boolean> {
  const next = await AgentRuntime.create({ storagePath, secretStore: new KeychainSecretStore(`berth-test-${randomUUID()}`) });
  await next.stop();
  return true;
}

const nets = (): number => process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');

describe('hosted agent', () => {
  it('stops the runtime when its local API cannot take its port, so the next agent can open the same storage', async () => {
    const storagePath = storage();
    const port = await holdPort();
    const before = nets();

    const opening = openHostedAgent({
      runtime: { storagePath, secretStore: new KeychainSecretStore(`berth-test-${randomUUID()}`) },
      log: () => undefined,
      startLocalApi: (options) => startHeadlessLocalApi({ ...options, port }),
    });

    await expect(opening).rejects.toMatchObject({ code: 'PORT_IN_USE', message: expect.stringContaining(String(port)) });
    expect(nets()).toBe(before);
    expect(await storageIsFree(storagePath)).toBe(true);
  });

  it('stops once however often it is told to, closing the local API after the slots and freeing the storage', async () => {
    const storagePath = storage();
    const before = nets();
    let closes = 0;
    const agent = await openHostedAgent({
      runtime: { storagePath, secretStore: new KeychainSecretStore(`berth-test-${randomUUID()}`) },
      log: () => undefined,
      version: '9.9.9',
      startLocalApi: async (options) => {
        expect(options.version).toBe('9.9.9');
        return {
          close: () => {
            // Throws while the runtime still holds the storage: the slots must have stopped first.
            lockStorage(storagePath).release();
            closes += 1;
          },
        };
      },
    });
    await agent.start();
    expect(nets()).toBe(before + 2);

    const first = agent.stop();
    expect(agent.stop()).toBe(first);
    await first;
    await agent.stop();

    expect(closes).toBe(1);
    expect(nets()).toBe(before);
    expect(await storageIsFree(storagePath)).toBe(true);
  });
});
