import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentProcess } from '../fixtures/agent-process';
import { startConnectedAgent, stopAgent } from '../fixtures/connected-agent';
import { FixtureControlPlane, TEST_CA_FILE } from '../fixtures/control-plane';
import { makeTempDir } from '../fixtures/temp-dir';

describe('tls', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let agent: AgentProcess | null = null;

  beforeEach(async () => {
    plane = await FixtureControlPlane.start({ tls: true });
    storage = makeTempDir('berth-tls-');
  });

  afterEach(async () => {
    if (agent) await stopAgent(agent);
    agent = null;
    await plane.stop();
    storage.cleanup();
  });

  it('refuses a server whose certificate no trusted authority signed', { timeout: 60_000 }, async () => {
    agent = startConnectedAgent(plane, storage.path);
    await agent.waitForOutput('control plane: offline');
    expect(agent.output()).toMatch(/self[- ]signed|unable to (get|verify)/i);
    expect(plane.upgrades).toEqual([]);
  });

  it('connects over wss when the extra CA file of the settings signed the certificate', { timeout: 60_000 }, async () => {
    const config = join(storage.path, 'config.json');
    writeFileSync(config, JSON.stringify({ extraCaFile: TEST_CA_FILE }));
    agent = startConnectedAgent(plane, storage.path, { args: ['--config', config] });
    await plane.waitForSession();
    expect(plane.url.startsWith('https://')).toBe(true);
    expect(plane.received('hello')).toHaveLength(1);
  });
});
