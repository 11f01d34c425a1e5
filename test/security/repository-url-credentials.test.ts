import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalApiClient } from '../../agent-core/protocol/local-api';
import { prepareGitSource, repositoryUrlProblem } from '../../agent-core/source';
import { startLocalApiHarness, type LocalApiHarness } from '../fixtures/local-api';
import { localSlotDefinition } from '../fixtures/local-api-watch';
import { makeTempDir } from '../fixtures/temp-dir';

// Door: a token pasted as the user name of a clone URL (`https://ghp_…@github.com/…`, which GitHub
// accepts) would be stored with the slot's spec in clear, and shown wherever the URL is.
const TOKENS = [
  'ghp_Zx81mQp0aLr7Ty2vBn4Kc9Wd6Ef3Gh5Jk1L', // GitHub personal access token
  'glpat-x7YfQ2kLm9NpR4sT8vWz', // GitLab
  '0f6e1c2d9b8a7f3e4d5c6b7a8f9e0d1c2b3a4f5e', // 40 hex digits: an old GitHub or a Gitea token
];

/** Every byte the agent's storage holds in its database files. */
function databaseBytes(storage: string): string {
  return readdirSync(storage)
    .filter((name) => name.startsWith('berth.db'))
    .map((name) => readFileSync(join(storage, name)).toString('latin1'))
    .join('');
}

describe('repository URL credentials', () => {
  let harness: LocalApiHarness;
  let client: LocalApiClient;
  beforeEach(async () => {
    harness = await startLocalApiHarness('message-port');
    client = await harness.connect();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('refuses a token hidden in the repository URL’s user name', async () => {
    for (const [index, token] of TOKENS.entries()) {
      const url = `https://${token}@git.example.com/acme/web.git`;
      // A local slot: refused before its spec is stored.
      const definition = localSlotDefinition(harness, `web-${index}`, 'v1', { repository: { url } });
      const refusal = client.call('localSlots.create', definition);
      await expect(refusal).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('repository.token') });
      await expect(refusal).rejects.toMatchObject({ message: expect.not.stringContaining(token) });
      expect(databaseBytes(harness.agent.storagePath)).not.toContain(token);

      // A slot from the control plane: refused at its deployment, before git runs.
      const temp = makeTempDir('berth-workdir-');
      try {
        const workdir = join(temp.path, 'qa-1');
        const deploy = prepareGitSource({ workdir, repository: { url }, branch: 'main' });
        await expect(deploy).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('repository.token') });
        await expect(deploy).rejects.toMatchObject({ message: expect.not.stringContaining(token) });
        expect(existsSync(workdir)).toBe(false);
      } finally {
        temp.cleanup();
      }
    }
    expect((await client.call('state.get')).slots).toEqual([]);
  });

  it('keeps the user names that are not secrets: ssh’s, scp-style, and a bot’s beside a token', async () => {
    for (const url of [
      'ssh://git@github.com/acme/web.git',
      'git@github.com:acme/web.git',
      'https://deploy-bot@bitbucket.example.com/acme/web.git',
      'https://contoso@dev.azure.com/contoso/web/_git/web',
      'https://x-access-token@github.com/acme/web.git',
    ]) {
      expect(repositoryUrlProblem(url), url).toBeNull();
    }
    const definition = localSlotDefinition(harness, 'web-ssh', 'v1', { repository: { url: 'git@github.com:acme/web.git' } });
    await expect(client.call('localSlots.create', definition)).resolves.toMatchObject({ id: 'web-ssh' });
  });
});
