import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../agent-core/events';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { createGitOrigin, type GitOrigin } from '../fixtures/git-origin';
import { SAMPLE_APP, sampleSlotSpec } from '../fixtures/slot-spec';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

describe('git deployments', () => {
  let agent: TestAgent;
  let origin: GitOrigin;
  let port: number;
  beforeEach(async () => {
    agent = await startTestAgent();
    origin = createGitOrigin({ 'server.cjs': readFileSync(join(SAMPLE_APP, 'server.cjs'), 'utf8'), 'VERSION': 'main\n', 'title.txt': 'Berth\n' });
    port = await findFreePort({ range: [47000, 47999] });
  });
  afterEach(async () => {
    await agent.close();
    origin.cleanup();
  });

  const defineSlot = () =>
    agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ repository: { url: origin.url }, traffic: { mode: 'single', publicPort: port } })), 'local');

  it('deploys a branch and records its commit and subject', async () => {
    const commit = origin.commit('feature/login', { VERSION: 'login\n' }, 'Add the login page');
    const slot = await defineSlot();
    const deployment = await slot.deploy({ source: { kind: 'git', branch: 'feature/login' }, trigger: 'local' }, localJob('test', 'deploy'));
    expect(deployment).toMatchObject({ status: 'ready', source: { kind: 'git', branch: 'feature/login', commit }, commitSubject: 'Add the login page' });
    const served = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string };
    expect(served.version).toBe('login');
  });

  it('merges a batch of branches, skips the one that conflicts and reports each with a progress step', async () => {
    origin.commit('feature/a', { 'a.txt': 'a\n' }, 'Add a');
    origin.commit('feature/conflict', { 'title.txt': 'Other title\n' }, 'Retitle', { from: 'main' });
    origin.commit('main', { 'title.txt': 'Berth on main\n' }, 'Retitle on main');
    origin.commit('feature/b', { 'b.txt': 'b\n' }, 'Add b', { from: 'main' });
    const slot = await defineSlot();
    const steps: ProgressEvent[] = [];
    agent.runtime.events.on('progress', (event) => steps.push(event));
    const deployment = await slot.deploy(
      { source: { kind: 'git', branch: 'main' }, trigger: 'server', batch: { starterBranch: 'main', branches: ['feature/a', 'feature/conflict', 'feature/b'] } },
      { id: 'cmd_batch', commandId: 'cmd_batch' },
    );
    expect(deployment.status).toBe('ready');
    expect(deployment.merged).toEqual(['feature/a', 'feature/b']);
    expect(deployment.skipped).toEqual([{ branch: 'feature/conflict', reason: expect.stringContaining('title.txt') }]);
    const merges = steps.filter((step) => step.step === 'merge' && step.commandId === 'cmd_batch');
    expect(merges.map((step) => [step.branch, step.outcome])).toEqual([
      ['feature/a', 'merged'],
      ['feature/conflict', 'skipped'],
      ['feature/b', 'merged'],
    ]);
  });

  it('fails with SOURCE_FAILED naming a branch that origin does not have, and keeps nothing running', async () => {
    const slot = await defineSlot();
    await expect(slot.deploy({ source: { kind: 'git', branch: 'nope' }, trigger: 'local' }, localJob('test', 'deploy'))).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringContaining("branch 'nope' not found on origin"),
    });
    expect(slot.runningPids).toEqual([]);
  });
});
