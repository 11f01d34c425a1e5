/**
 * Local-API events per second to one client over the WebSocket on 127.0.0.1: the agent's events
 * (deployment updates, slot status changes, progress steps) go through the state feed, the
 * session, JSON over the socket, and the client's validation and delta application. The agent,
 * the server and the client share this process, so the figure is for the whole round.
 * Secrets live in memory here, so the bench runs without a keychain.
 *
 * Run: npx tsx bench/local-api-events.bench.ts [events]
 */
import { WebSocket } from 'ws';
import { API_PATH, LocalApiServer, LocalApiWebSocketServer, readLocalApiAccess } from '../agent-core/local-api';
import { SlotSpec, type Deployment } from '../agent-core/protocol';
import { LocalApiClient, openWebSocketTransport } from '../agent-core/protocol/local-api';
import { AgentRuntime } from '../agent-core/runtime';
import { ApiKeyStore, type SecretStore } from '../agent-core/secrets';
import { sampleSlotSpec } from '../test/fixtures/slot-spec';
import { makeTempDir } from '../test/fixtures/temp-dir';

const events = Number(process.argv[2] ?? 20_000);
const BATCH = 200;

function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (account) => values.get(account) ?? null,
    set: async (account, value) => void values.set(account, value),
    delete: async (account) => values.delete(account),
    accounts: async () => [...values.keys()],
  };
}

// A slot's history as the window holds it: the updates cycle over this many deployments.
const HISTORY = 50;

function deployment(index: number): Deployment {
  const statuses = ['queued', 'preparing', 'building', 'starting', 'ready'] as const;
  const serial = Math.floor(index / statuses.length) % HISTORY;
  return {
    id: `dep_bench_${String(serial).padStart(3, '0')}`,
    slotId: 'slot_bench',
    status: statuses[index % statuses.length]!,
    color: index % 2 === 0 ? 'blue' : 'green',
    source: { kind: 'git', branch: 'feature/login', commit: '9c1e5f2a7b3d4c6e8f0a1b2c3d4e5f6a7b8c9d0e' },
    contentHash: null,
    isProduction: false,
    port: 41_000 + (index % 1000),
    createdAt: new Date(1_700_000_000_000 + serial * 1000).toISOString(),
    readyAt: null,
    promotedAt: null,
    expiresAt: null,
    error: null,
    commandId: null,
  };
}

/** Emits `count` events in batches, letting the socket flow between them, and times until `arrived` says all came. */
async function measure(label: string, count: number, emit: (index: number) => void, arrived: () => boolean): Promise<void> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += BATCH) {
    for (let offset = index; offset < Math.min(count, index + BATCH); offset++) emit(offset);
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (!arrived()) await new Promise((resolve) => setTimeout(resolve, 1));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = Math.round(count / seconds).toLocaleString('en-US');
  console.log(`${label.padEnd(34)} ${String(count).padStart(7)} events  ${(seconds * 1000).toFixed(0).padStart(6)} ms  ${perSecond.padStart(9)} events/s`);
}

const storage = makeTempDir('berth-bench-local-api-');
const secrets = memorySecrets();
const runtime = await AgentRuntime.create({ storagePath: storage.path, overrides: { name: 'bench' }, secretStore: secrets });
const slot = await runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ id: 'slot_bench', name: 'bench', workspace: 'acme' })), 'local');
const server = await LocalApiServer.create({ agent: runtime, apiKeys: new ApiKeyStore(secrets, {}), version: 'bench' });
const web = await LocalApiWebSocketServer.start({ server, storagePath: storage.path, rendererDir: null });
const access = readLocalApiAccess(storage.path);
const socket = new WebSocket(`ws://127.0.0.1:${access.port}${API_PATH}`, { headers: { Authorization: `Bearer ${access.token}` } });
const client = new LocalApiClient(await openWebSocketTransport(socket));

let version = 0;
client.watchState((state) => (version = state.version));
while (!client.isStateLive) await new Promise((resolve) => setTimeout(resolve, 5));
let progress = 0;
client.on('progress', () => progress++);

console.log(`local-API events over the WebSocket (node ${process.version}, ${process.platform} ${process.arch})`);
{
  const target = server.feed.version + events;
  await measure('deployment.update deltas', events, (index) => runtime.events.emit('deployment.update', deployment(index)), () => version >= target);
}
{
  const count = Math.round(events / 4);
  const target = server.feed.version + count;
  const status = slot.statusSnapshot;
  await measure('slot deltas (spec + status)', count, (index) => runtime.events.emit('slot.status', { ...status, updatedAt: new Date(index).toISOString() }), () => version >= target);
}
await measure(
  'progress events',
  events,
  (index) => runtime.events.emit('progress', { slotId: 'slot_bench', deploymentId: 'dep_bench', commandId: null, step: 'startup', message: `running step ${index}` }),
  () => progress >= events,
);
console.log(`client state in sync with the agent: ${client.isStateLive && client.state?.version === server.feed.version}`);

client.close();
server.close();
await web.close();
await runtime.stop();
storage.cleanup();
