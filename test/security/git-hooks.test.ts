import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { createGitOrigin, type GitOrigin } from '../fixtures/git-origin';
import { SAMPLE_APP, sampleSlotSpec } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

const HOOKS = ['post-checkout', 'post-merge', 'pre-commit', 'reference-transaction', 'pre-auto-gc', 'post-index-change'];

/**
 * The bash a first deployment runs in its working copy to make the next deployment's git run
 * `evil` (which writes to the marker): hooks in .git/hooks and in a hooksPath of its own, and every
 * repository-local config key that names a program, some of them behind include.path.
 */
function plantingScript(evil: string, elsewhere: string): string {
  const hookLines = HOOKS.flatMap((hook) => [`cp '${evil}' .git/hooks/${hook}`, `cp '${evil}' .githooks/${hook}`]);
  return [
    'mkdir -p .git/hooks .githooks .git/info',
    ...hookLines,
    'chmod +x .git/hooks/* .githooks/*',
    `git config core.hooksPath .githooks`,
    `git config core.fsmonitor '${evil}'`,
    `git config core.sshCommand '${evil}'`,
    `git config core.askPass '${evil}'`,
    `git config core.pager '${evil}'`,
    `git config remote.origin.uploadpack '${evil}'`,
    `git config filter.evil.smudge '${evil}'`,
    `git config filter.evil.clean '${evil}'`,
    `git config filter.evil.required true`,
    `git config diff.evil.textconv '${evil}'`,
    `git config merge.evil.driver '${evil}'`,
    `git config core.worktree '${elsewhere}'`,
    `printf '[core]\\n\\tfsmonitor = ${evil}\\n' > .git/extra.config`,
    'git config include.path extra.config',
    "echo '* filter=evil diff=evil merge=evil' > .git/info/attributes",
    'echo planted',
  ].join('\n');
}

describe('git and the working copy', () => {
  let agent: TestAgent;
  let origin: GitOrigin;
  let outside: ReturnType<typeof makeTempDir>;
  beforeEach(async () => {
    agent = await startTestAgent();
    origin = createGitOrigin({ 'server.cjs': readFileSync(join(SAMPLE_APP, 'server.cjs'), 'utf8'), VERSION: 'v1\n' });
    outside = makeTempDir('berth-attack-');
  });
  afterEach(async () => {
    await agent.close();
    origin.cleanup();
    outside.cleanup();
  });

  it('hooks, an fsmonitor, filters and program-running config a deployment planted never run in the next deployment', async () => {
    const marker = join(outside.path, 'ran.txt');
    const evil = join(outside.path, 'evil.sh');
    const elsewhere = join(outside.path, 'elsewhere');
    writeFileSync(evil, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
    chmodSync(evil, 0o700);

    const spec = sampleSlotSpec({ repository: { url: origin.url } });
    spec.template.initial = [{ type: 'bash', name: 'plant', arguments: plantingScript(evil, elsewhere) }];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    const first = await slot.deploy({ source: { kind: 'git', branch: 'main' }, trigger: 'local' }, localJob('test', 'first'));
    expect(first.status).toBe('ready');
    const workingCopy = join(agent.storagePath, 'slots', 'acme-web', 'qa-1');
    expect(readFileSync(join(workingCopy, '.git', 'config'), 'utf8')).toContain(evil);

    const second = origin.commit('main', { VERSION: 'v2\n', 'notes.txt': 'new file\n' }, 'v2');
    const deployment = await slot.deploy({ source: { kind: 'git', branch: 'main' }, trigger: 'local' }, localJob('test', 'second'));
    expect(deployment).toMatchObject({ status: 'ready', source: { commit: second } });
    expect(readFileSync(join(workingCopy, 'VERSION'), 'utf8')).toBe('v2\n');
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(elsewhere) ? readdirSync(elsewhere) : []).toEqual([]);
    expect(readFileSync(join(workingCopy, '.git', 'config'), 'utf8')).not.toContain(evil);
  });

  it('a .git file pointing at another repository is not followed', async () => {
    const spec = sampleSlotSpec({ repository: { url: origin.url } });
    const victim = join(outside.path, 'victim');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    await slot.deploy({ source: { kind: 'git', branch: 'main' }, trigger: 'local' }, localJob('test', 'first'));
    const workingCopy = join(agent.storagePath, 'slots', 'acme-web', 'qa-1');
    // What a slot's command could do: move the repository out and leave a pointer to a folder it controls.
    writeFileSync(join(workingCopy, '.git-pointer'), '');
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['init', '--quiet', victim]);
    execFileSync('rm', ['-rf', join(workingCopy, '.git')]);
    writeFileSync(join(workingCopy, '.git'), `gitdir: ${join(victim, '.git')}\n`);

    origin.commit('main', { VERSION: 'v2\n' }, 'v2');
    const deployment = await slot.deploy({ source: { kind: 'git', branch: 'main' }, trigger: 'local' }, localJob('test', 'second'));
    expect(deployment.status).toBe('ready');
    expect(execFileSync('git', ['-C', victim, 'remote'], { encoding: 'utf8' }).trim()).toBe('');
  });
});
