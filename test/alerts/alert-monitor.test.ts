import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertMonitor, WebhookSender, type Alert } from '../../agent-core/alerts';
import { Backoff } from '../../agent-core/connection';
import { AgentEvents } from '../../agent-core/events';
import type { Deployment, SlotStatus } from '../../agent-core/protocol';
import { StorageSpace } from '../../agent-core/store';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

interface Hook {
  url: string;
  received: Alert[];
  /** Status codes to answer with, in order; 200 once they run out. */
  answers: number[];
  close(): Promise<void>;
}

async function startHook(): Promise<Hook> {
  const received: Alert[] = [];
  const answers: number[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const status = answers.shift() ?? 200;
      if (status === 200) received.push(JSON.parse(body) as Alert);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=secret`,
    received,
    answers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function deployment(id: string, status: Deployment['status'], error: string | null = null): Deployment {
  return {
    id,
    slotId: 'slot_1',
    status,
    color: null,
    source: { kind: 'git', branch: 'main' },
    contentHash: null,
    isProduction: false,
    port: null,
    createdAt: new Date().toISOString(),
    readyAt: null,
    promotedAt: null,
    expiresAt: null,
    error,
    commandId: null,
  };
}

function slotStatus(status: SlotStatus['status'], error: string | null = null): SlotStatus {
  return {
    slotId: 'slot_1',
    name: 'qa-1',
    workspace: 'acme-web',
    status,
    liveColor: null,
    productionDeploymentId: 'dep_live',
    previewDeploymentIds: [],
    url: null,
    error,
    updatedAt: new Date().toISOString(),
    warm: null,
    guard: null,
  };
}

describe('alert monitor', () => {
  let hook: Hook;
  let events: AgentEvents;
  let monitor: AlertMonitor;
  let sender: WebhookSender;
  let storage: StorageSpace;
  let folder: ReturnType<typeof makeTempDir>;
  let free = 100 * 1024 ** 3;
  const seen: Alert[] = [];
  const gaveUp: string[] = [];

  beforeEach(async () => {
    hook = await startHook();
    events = new AgentEvents();
    seen.length = 0;
    gaveUp.length = 0;
    free = 100 * 1024 ** 3;
    folder = makeTempDir('berth-alerts-');
    // The disk's free space is the test's to set; the floor is the default for a 100 GB disk (1 GB).
    storage = new StorageSpace(folder.path, { floorBytes: () => null, reserveBytes: 4096, usage: () => ({ freeBytes: free, totalBytes: 100 * 1024 ** 3 }) });
    sender = new WebhookSender({ url: () => hook.url, onGaveUp: (_alert, reason) => gaveUp.push(reason), backoff: () => new Backoff({ baseMs: 10, capMs: 20 }) });
    monitor = new AlertMonitor({
      events,
      storagePath: '/storage',
      hostName: () => 'deploy-01',
      webhookUrl: () => hook.url,
      slotLabel: () => 'acme-web/qa-1',
      storage,
      sender,
    });
    monitor.on('alert', (alert) => seen.push(alert));
    monitor.start();
  });

  afterEach(async () => {
    monitor.stop();
    await hook.close();
    folder.cleanup();
  });

  it('posts a failed deployment to the webhook with the host, slot, deployment and reason', async () => {
    events.emit('deployment.update', deployment('dep_1', 'building'));
    events.emit('deployment.update', deployment('dep_1', 'failed', "command 'install' exited with code 1"));
    await waitFor(() => hook.received.length === 1, 'the webhook POST');
    expect(hook.received[0]).toEqual({
      event: 'deployment.failed',
      host: 'deploy-01',
      slot: 'acme-web/qa-1',
      deployment: 'dep_1',
      message: "deployment dep_1 of acme-web/qa-1 failed: command 'install' exited with code 1",
    });
    expect(seen).toEqual(hook.received);
  });

  it('posts a ready preview that fails later, when its service stays down', async () => {
    events.emit('deployment.update', deployment('dep_1', 'ready'));
    events.emit('deployment.update', deployment('dep_1', 'failed', "service 'web' exited with code 3"));
    await waitFor(() => hook.received.length === 1, 'the webhook POST');
    expect(hook.received[0]).toMatchObject({ event: 'deployment.failed', deployment: 'dep_1', message: expect.stringContaining("service 'web' exited") });
  });

  it('alerts once more after three failed deployments in a row, and counts again after a success', async () => {
    for (const id of ['dep_1', 'dep_2', 'dep_3']) events.emit('deployment.update', deployment(id, 'failed', 'boom'));
    // The same failed deployment published again (a soft delete, say) is no new failure.
    events.emit('deployment.update', deployment('dep_3', 'failed', 'boom'));
    await waitFor(() => hook.received.length === 4, 'four POSTs');
    expect(hook.received.map((alert) => alert.event)).toEqual(['deployment.failed', 'deployment.failed', 'deployment.failed', 'deployments.failing']);
    events.emit('deployment.update', deployment('dep_4', 'ready'));
    for (const id of ['dep_5', 'dep_6']) events.emit('deployment.update', deployment(id, 'failed', 'boom'));
    await waitFor(() => hook.received.length === 6, 'six POSTs');
    expect(hook.received.filter((alert) => alert.event === 'deployments.failing')).toHaveLength(1);
  });

  it('alerts when a slot goes to error on its own, but not again for the failed deployment that put it there', async () => {
    events.emit('deployment.update', deployment('dep_1', 'failed', 'health check failed'));
    events.emit('slot.status', slotStatus('error', 'health check failed'));
    events.emit('slot.status', slotStatus('running'));
    events.emit('slot.status', slotStatus('error', "service 'web' exited with code 1 and was restarted 3 times"));
    events.emit('slot.status', slotStatus('error', "service 'web' exited with code 1 and was restarted 3 times"));
    await waitFor(() => hook.received.length === 2, 'two POSTs');
    expect(hook.received.map((alert) => alert.event)).toEqual(['deployment.failed', 'slot.error']);
    expect(hook.received[1]).toMatchObject({ slot: 'acme-web/qa-1', deployment: 'dep_live' });
  });

  it('warns once when free space drops under the floor, once when it is back, and again only after that', async () => {
    storage.check();
    free = 512 * 1024 ** 2;
    storage.check();
    storage.check();
    free = 50 * 1024 ** 3;
    storage.check();
    free = 100 * 1024 ** 2;
    storage.check();
    await waitFor(() => hook.received.length === 3, 'three POSTs');
    expect(hook.received.map((alert) => alert.event)).toEqual(['storage.low', 'storage.ok', 'storage.low']);
    expect(hook.received[0]).toMatchObject({ slot: null, deployment: null });
    expect(hook.received[0]!.message).toContain(`only 512 MB free on the disk holding ${folder.path}, under the floor of 1 GB`);
  });

  it('warns at once when a write finds the disk full, before any check', async () => {
    storage.check();
    storage.diskFull();
    storage.diskFull();
    await waitFor(() => hook.received.length === 1, 'one POST');
    expect(hook.received[0]).toMatchObject({ event: 'storage.low' });
    expect(hook.received[0]!.message).toContain(`the storage disk is full:`);
  });

  it('retries a webhook that fails, and gives up after the last attempt without holding anything up', async () => {
    hook.answers.push(500, 503);
    events.emit('deployment.update', deployment('dep_1', 'failed', 'boom'));
    await waitFor(() => hook.received.length === 1, 'the POST after two failures');
    hook.answers.push(500, 500, 500, 500, 500);
    events.emit('deployment.update', deployment('dep_2', 'failed', 'boom'));
    await waitFor(() => gaveUp.length === 1, 'the sender to give up');
    expect(gaveUp[0]).toContain('HTTP 500');
    expect(gaveUp[0]).not.toContain('secret');
  });
});
