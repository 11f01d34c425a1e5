import { describe, expect, it } from 'vitest';
import { entryPathProblem, ExtractionGuard, linkTargetProblem } from '../../agent-core/source/extract-guard';

describe('extract guard', () => {
  it('lets ordinary relative paths through', () => {
    for (const path of ['index.js', 'src/app/page.tsx', './README.md', 'a..b/c', '...']) expect(entryPathProblem(path), path).toBeNull();
  });

  it('stops paths that leave the folder on Linux, macOS or Windows', () => {
    for (const path of ['../x', 'a/../../x', 'a\\..\\x', '/etc/passwd', '\\Windows\\x', 'C:\\x', 'c:x', 'C:../x', '\\\\server\\share\\x', '']) {
      expect(entryPathProblem(path), path).not.toBeNull();
    }
  });

  it('lets a link point anywhere inside the snapshot, up to its root', () => {
    expect(linkTargetProblem('a/b/link', '../c/file')).toBeNull();
    expect(linkTargetProblem('a/link', '..')).toBeNull();
    expect(linkTargetProblem('link', '.')).toBeNull();
  });

  it('stops a link that points above the root or to an absolute path', () => {
    expect(linkTargetProblem('a/link', '../..')).not.toBeNull();
    expect(linkTargetProblem('link', 'a\\..\\..\\x')).not.toBeNull();
    expect(linkTargetProblem('link', '/etc')).not.toBeNull();
    expect(linkTargetProblem('link', 'D:\\data')).not.toBeNull();
  });

  it('remembers the first refusal and lets nothing through after it', () => {
    const guard = new ExtractionGuard();

    expect(guard.allow({ path: 'ok.txt', type: 'File' })).toBe(true);
    expect(guard.allow({ path: '../bad.txt', type: 'File' })).toBe(false);
    expect(guard.allow({ path: 'fine.txt', type: 'File' })).toBe(false);
    expect(guard.problem).toBe("archive entry '../bad.txt' has a '..' in its path");
  });

  it('stops an entry that would replace a link the archive created', () => {
    const guard = new ExtractionGuard();
    guard.allow({ path: 'link', type: 'SymbolicLink', linkpath: 'sub' });

    expect(guard.allow({ path: './link', type: 'File' })).toBe(false);
  });
});
