// Failed requests out of all sent during 20 consecutive blue-green deployments under load, through
// a real agent: real snapshots, real processes, the slot's real proxy. Must print 0 failed.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { SlotSpec } from '../agent-core/protocol';
import { AgentRuntime } from '../agent-core/runtime';
import { localJob } from '../agent-core/slots';
import { findFreePort } from '../agent-core/traffic';
import { sampleSlotSpec, writeSampleApp } from '../test/fixtures/slot-spec';
import { makeTempDir } from '../test/fixtures/temp-dir';

const DEPLOYMENTS = 20;
const CONNECTIONS = 16;

const storage = makeTempDir('berth-bench-');
const sources = makeTempDir('berth-bench-src-');
const runtime = await AgentRuntime.create({ storagePath: storage.path, overrides: { sourceRoots: [sources.path], publicHost: '127.0.0.1' } });
try {
  const publicPort = await findFreePort({ range: [46000, 46999] });
  const slot = await runtime.slots.define(
    SlotSpec.parse(sampleSlotSpec({ traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 50 }, drainTimeoutMs: 5_000 } })),
    'local',
  );
  const deploy = (version: number) =>
    slot.deploy({ source: { kind: 'directory', path: writeSampleApp(join(sources.path, `v${version}`), `v${version}`) }, trigger: 'local' }, localJob('bench', `v${version}`));
  await deploy(0);

  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let sent = 0;
  let failed = 0;
  const reasons = new Map<string, number>();
  let running = true;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      sent += 1;
      const fail = (reason: string): void => {
        failed += 1;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        resolve();
      };
      const req = request({ host: '127.0.0.1', port: publicPort, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : fail(`HTTP ${res.statusCode}`)));
        res.on('error', (error) => fail(error.message));
      });
      req.on('error', (error) => fail(error.message));
      req.end();
    });
  const loops = Array.from({ length: CONNECTIONS }, async () => {
    while (running) await once();
  });
  const started = Date.now();
  for (let version = 1; version <= DEPLOYMENTS; version += 1) await deploy(version);
  running = false;
  await Promise.all(loops);
  agent.destroy();
  const seconds = (Date.now() - started) / 1000;
  console.log(`blue-green: ${DEPLOYMENTS} deployments under load in ${seconds.toFixed(1)} s (${CONNECTIONS} keep-alive connections, ${sent} requests)`);
  console.log(`blue-green: failed requests during the swaps: ${failed} of ${sent}${failed ? ` (${[...reasons].map(([reason, count]) => `${reason} ×${count}`).join(', ')})` : ''}`);
} finally {
  await runtime.stop();
  storage.cleanup();
  sources.cleanup();
}
