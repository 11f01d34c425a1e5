import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploymentLogPath } from '../../agent-core/logs';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { waitFor } from '../fixtures/wait';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

// What a person might have exported before starting the agent, or what its service sets.
const AGENT_ENV = {
  BERTH_API_KEY: 'berth_live_key_1f8e2d7c9a',
  BERTH_STORAGE: '/somewhere/berth-storage',
  DEPLOY_BOT_TOKEN: 'ghp_agent_only_token_5521',
};

describe('a slot and the agent\'s environment', () => {
  let agent: TestAgent;
  const saved: Record<string, string | undefined> = {};
  beforeEach(async () => {
    for (const [name, value] of Object.entries(AGENT_ENV)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    agent = await startTestAgent();
  });
  afterEach(async () => {
    await agent.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** Deploys `spec` and returns its log once it holds `until`. */
  async function deployAndReadLog(spec: ReturnType<typeof sampleSlotSpec>, until: string): Promise<string> {
    const app = writeSampleApp(join(agent.sourceRoot, spec.name), 'v1');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    const deployment = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', `deploy-${spec.name}`));
    const path = deploymentLogPath(agent.storagePath, slot.id, deployment.id);
    return waitFor(() => {
      const text = readFileSync(path, 'utf8');
      return text.includes(until) ? text : null;
    }, `'${until}' in the log`);
  }

  it('a slot command that prints its environment sees no BERTH_API_KEY, no BERTH_* of the agent and no other agent variable', async () => {
    const spec = sampleSlotSpec();
    spec.template.startup = [{ type: 'bash', name: 'print-env', arguments: 'echo "==env=="; env; echo "==end=="' }, ...spec.template.startup!];
    const log = await deployAndReadLog(spec, '==end==');
    const printed = log.slice(log.indexOf('==env=='), log.indexOf('==end=='));
    const names = printed.split(/\r?\n/).map((line) => line.split('=')[0]);
    expect(names).toContain('PATH');
    expect(names).toContain('PORT');
    expect(names).not.toContain('BERTH_API_KEY');
    expect(names).not.toContain('BERTH_STORAGE');
    expect(names).not.toContain('DEPLOY_BOT_TOKEN');
    expect(names.filter((name) => name.startsWith('BERTH_')).sort()).toEqual(['BERTH_COLOR', 'BERTH_DEPLOYMENT_ID', 'BERTH_PROCESS_MARK', 'BERTH_SLOT', 'BERTH_WORKSPACE']);
    for (const value of Object.values(AGENT_ENV)) expect(printed).not.toContain(value);
  });

  it('a node command reading process.env finds no agent variable either', async () => {
    const spec = sampleSlotSpec();
    spec.template.startup = [
      { type: 'node', name: 'peek', arguments: "console.log('agent vars:', Object.keys(process.env).filter((k) => /^BERTH_(API_KEY|STORAGE)$|DEPLOY_BOT/.test(k)).join(',') || 'none')" },
      ...spec.template.startup!,
    ];
    expect(await deployAndReadLog(spec, 'agent vars:')).toContain('agent vars: none');
  });

  it('the API key printed by a slot (read from anywhere) is masked in its log', async () => {
    const spec = sampleSlotSpec();
    spec.template.startup = [{ type: 'bash', name: 'leak', arguments: `echo "key=${AGENT_ENV.BERTH_API_KEY}"` }, ...spec.template.startup!];
    const log = await deployAndReadLog(spec, 'key=');
    expect(log).toContain('key=***');
    expect(log).not.toContain(AGENT_ENV.BERTH_API_KEY);
  });

  it('another slot\'s secret printed by a slot is masked in its log', async () => {
    const holder = sampleSlotSpec({ id: 'slot_holder', name: 'holder', variables: { DbPassword: 'holder-db-password-7731' } });
    holder.template.variables = [{ name: 'DbPassword', secret: true }];
    await agent.runtime.slots.define(SlotSpec.parse(holder), 'local');
    const thief = sampleSlotSpec({ id: 'slot_thief', name: 'thief' });
    thief.template.startup = [{ type: 'bash', name: 'leak', arguments: 'echo "stolen=holder-db-password-7731"' }, ...thief.template.startup!];
    const log = await deployAndReadLog(thief, 'stolen=');
    expect(log).toContain('stolen=***');
    expect(log).not.toContain('holder-db-password-7731');
  });
});
