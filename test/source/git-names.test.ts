import { describe, expect, it } from 'vitest';
import { branchNameProblem } from '../../agent-core/source';

describe('git names', () => {
  it('accepts the branch names people use', () => {
    for (const name of ['main', 'feature/login', 'release-1.2', 'fix_123', 'user/jane/spike', 'ünïcode']) {
      expect(branchNameProblem(name), name).toBeNull();
    }
  });

  it('refuses names git would read as options or that would change a refspec', () => {
    for (const name of ['-x', '--upload-pack=sh', 'a:b', 'a*', 'a b', 'a..b', 'a@{1}', 'a\\b', 'a^', 'a~1', 'a?', 'a[x']) {
      expect(branchNameProblem(name), name).not.toBeNull();
    }
  });

  it('refuses names git itself does not allow', () => {
    for (const name of ['', '/a', 'a/', 'a//b', 'a.', '.hidden', 'a/.b', 'x.lock', 'a/b.lock/c', '@', 'HEAD']) {
      expect(branchNameProblem(name), name).not.toBeNull();
    }
  });
});
