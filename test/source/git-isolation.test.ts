import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyHooksFolder, isolationConfig, parseConfigList, rewriteLocalConfig } from '../../agent-core/source/git-isolation';
import { makeTempDir } from '../fixtures/temp-dir';

function configList(file: string): Array<[string, string]> {
  return parseConfigList(execFileSync('git', ['config', '--file', file, '--null', '--list'], { encoding: 'utf8' }));
}

describe('git isolation', () => {
  const folders: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of folders.splice(0)) cleanup();
  });

  it('keeps only the format, file-system and origin keys of .git/config, with awkward values intact', () => {
    const temp = makeTempDir('berth-git-config-');
    folders.push(temp.cleanup);
    const config = join(temp.path, '.git', 'config');
    mkdirSync(join(temp.path, '.git'));
    const url = 'C:\\repos\\"quoted" web\tapp';
    writeFileSync(
      config,
      `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n\tsshCommand = evil\n\thooksPath = .githooks\n` +
        `[remote "origin"]\n\turl = ${JSON.stringify(url)}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n\tuploadpack = evil\n` +
        `[filter "x"]\n\tsmudge = evil\n[include]\n\tpath = other.config\n`,
    );
    writeFileSync(join(temp.path, '.git', 'config.worktree'), '[core]\n\tfsmonitor = evil\n');
    rewriteLocalConfig(temp.path, configList(config));
    expect(readFileSync(config, 'utf8')).not.toContain('evil');
    expect(configList(config)).toEqual([
      ['core.repositoryformatversion', '0'],
      ['core.filemode', 'true'],
      ['core.bare', 'false'],
      ['remote.origin.url', url],
      ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
    ]);
    expect(readdirSync(join(temp.path, '.git'))).toEqual(['config']);
  });

  it('points hooks at an empty private folder and switches fsmonitor off for every call', () => {
    const config = new Map(isolationConfig());
    const hooks = config.get('core.hooksPath') as string;
    expect(readdirSync(hooks)).toEqual([]);
    expect(config.get('core.fsmonitor')).toBe('false');
    writeFileSync(join(hooks, 'post-checkout'), '#!/bin/sh\n');
    expect(emptyHooksFolder()).not.toBe(hooks);
  });
});
