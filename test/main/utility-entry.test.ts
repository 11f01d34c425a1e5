import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// GLib registers keytar's Secret Service types once per process, so this thread must load keytar
// before the first test's worker thread does; later loads then reuse them. (Electron runs the agent
// in a process of its own, where the two never share one.)
import 'keytar';
import { KeychainSecretStore } from '../../agent-core/secrets';
import { runAgentProcess } from '../../agent-core/utility-process';
import { httpRequest } from '../fixtures/http-request';
import { TestParentPort } from '../fixtures/parent-port';
import { UtilityThread } from '../fixtures/utility-thread';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The agent process as main forks it, here in this Node process with a stand-in for Electron's parentPort. */
function startAgentProcess(storagePath: string, secretStore: KeychainSecretStore) {
  const parent = new TestParentPort();
  const done = runAgentProcess(parent, ['--storage', storagePath], { secretStore, log: () => undefined });
  done.catch(() => undefined);
  cleanups.push(async () => {
    parent.closeClients();
    if (!parent.received.some((notice) => notice.type === 'stopped' || notice.type === 'fatal')) parent.send({ type: 'stop' });
    await done.catch(() => undefined);
  });
  return { parent, done };
}

describe('utility entry', () => {
  it('starts from its entry file as Electron starts it, serves a port, and exits when told to stop', async () => {
    const storage = makeTempDir();
    cleanups.push(storage.cleanup);
    const thread = new UtilityThread(['--storage', storage.path]);
    cleanups.push(async () => {
      await thread.worker.terminate();
    });
    expect(await thread.notice('ready')).toEqual({ type: 'ready', mode: 'embedded' });
    const client = thread.connect();
    expect((await client.call('state.get')).host.storagePath).toBe(storage.path);
    thread.send({ type: 'stop' });
    await thread.notice('stopped');
    expect(await thread.exited).toBe(0);
  });

  it('serves the local API on a MessagePort main hands over', async () => {
    const storage = makeTempDir();
    cleanups.push(storage.cleanup);
    const { parent } = startAgentProcess(storage.path, new KeychainSecretStore(`berth-test-${randomUUID()}`));
    expect(await parent.notice('ready')).toEqual({ type: 'ready', mode: 'embedded' });

    const client = parent.connect();
    const state = await client.call('state.get');
    expect(state.host.storagePath).toBe(storage.path);
    expect(state.slots).toEqual([]);

    // A second client (a second window) gets its own session on its own port.
    const other = parent.connect();
    expect((await other.call('settings.get')).storagePath).toBe(storage.path);
  });

  it('stops its slots on quit and brings them back at the next start', async () => {
    const storage = makeTempDir();
    const sources = makeTempDir('berth-sources-');
    cleanups.push(storage.cleanup, sources.cleanup);
    const secrets = new KeychainSecretStore(`berth-test-${randomUUID()}`);
    const app = writeSampleApp(join(sources.path, 'app'), 'v1');

    const first = startAgentProcess(storage.path, secrets);
    await first.parent.notice('ready');
    const client = first.parent.connect();
    await client.call('settings.update', { sourceRoots: [sources.path] });
    await client.call('localSlots.create', { spec: sampleSlotSpec(), source: { kind: 'directory', path: app } });
    const deployment = await client.call('slot.deploy', { slot: 'qa-1' });
    expect(deployment.status).toBe('ready');
    const port = deployment.port!;
    const answer = await waitFor(() => httpRequest(`http://127.0.0.1:${port}/`), 'the slot to answer');
    expect(JSON.parse(answer.body).version).toBe('v1');

    first.parent.send({ type: 'stop' });
    await first.parent.notice('stopped');
    await first.done;
    await expect(httpRequest(`http://127.0.0.1:${port}/`)).rejects.toThrow();

    const second = startAgentProcess(storage.path, secrets);
    await second.parent.notice('ready');
    const again = second.parent.connect();
    const slot = await waitFor(async () => {
      const [view] = (await again.call('state.get')).slots;
      return view?.status.status === 'running' ? view : null;
    }, 'the slot to run again after the restart');
    expect(slot.spec.name).toBe('qa-1');
    await again.call('localSlots.remove', { slot: 'qa-1' });
  });

  it('tells main why it cannot start instead of dying silently', async () => {
    const parent = new TestParentPort();
    await expect(runAgentProcess(parent, ['--service-command', 'reinstall'], { log: () => undefined })).rejects.toThrow();
    expect((await parent.notice('fatal')).message).toMatch(/--service-command install\|uninstall/);
  });
});
