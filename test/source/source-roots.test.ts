import { mkdirSync, symlinkSync } from 'node:fs';
import path, { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveAllowedDirectory, sourceRootProblem } from '../../agent-core/source/source-roots';
import { makeTempDir } from '../fixtures/temp-dir';

describe('source roots', () => {
  describe('on POSIX paths', () => {
    const roots = ['/srv/apps'];
    const allowed = (directory: string) => sourceRootProblem(directory, roots, path.posix) === null;

    it('allows a directory under a root, and the root itself', () => {
      expect(allowed('/srv/apps/web')).toBe(true);
      expect(allowed('/srv/apps/')).toBe(true);
    });

    it('refuses a sibling whose name only starts like the root', () => {
      expect(allowed('/srv/apps2/web')).toBe(false);
    });

    it("refuses a path that climbs out with '..'", () => {
      expect(allowed('/srv/apps/../etc')).toBe(false);
    });

    it('refuses a relative path', () => {
      expect(sourceRootProblem('apps/web', roots, path.posix)).toBe("'apps/web' is not an absolute path");
    });

    it('refuses everything while no root is configured, saying how to add one', () => {
      expect(sourceRootProblem('/srv/apps/web', [], path.posix)).toMatch(/--source-root or in settings.json/);
    });

    it('treats differently cased names as different folders', () => {
      expect(allowed('/srv/Apps/web')).toBe(false);
    });
  });

  describe('on Windows paths', () => {
    const roots = ['C:\\Apps', '\\\\fileserver\\Share\\builds'];
    const allowed = (directory: string) => sourceRootProblem(directory, roots, path.win32) === null;

    it('compares drive letters and names without regard to case', () => {
      expect(allowed('c:\\apps\\miniapp')).toBe(true);
      expect(allowed('C:/APPS/miniapp/')).toBe(true);
    });

    it('refuses another drive and a sibling with a longer name', () => {
      expect(allowed('D:\\Apps\\miniapp')).toBe(false);
      expect(allowed('C:\\Apps2\\miniapp')).toBe(false);
    });

    it('accepts a UNC path under a UNC root', () => {
      expect(allowed('\\\\FILESERVER\\share\\Builds\\web')).toBe(true);
      expect(allowed('\\\\fileserver\\share\\other')).toBe(false);
    });

    it('accepts the long-path prefix form of an allowed path', () => {
      expect(allowed('\\\\?\\C:\\Apps\\miniapp')).toBe(true);
      expect(allowed('\\\\?\\UNC\\fileserver\\Share\\builds\\web')).toBe(true);
    });

    it('refuses drive-relative and root-relative paths, which depend on the current folder', () => {
      expect(allowed('C:Apps\\miniapp')).toBe(false);
      expect(allowed('\\Apps\\miniapp')).toBe(false);
    });

    it("refuses a path that climbs out with '..'", () => {
      expect(allowed('C:\\Apps\\..\\Windows\\System32')).toBe(false);
    });
  });

  describe('on disk', () => {
    let temp: { path: string; cleanup: () => void };
    let root: string;

    beforeEach(() => {
      temp = makeTempDir('berth-roots-');
      root = join(temp.path, 'sources');
      mkdirSync(join(root, 'web'), { recursive: true });
      mkdirSync(join(temp.path, 'private'), { recursive: true });
    });

    afterEach(() => temp.cleanup());

    it('returns the real path of an allowed directory', async () => {
      await expect(resolveAllowedDirectory(join(root, 'web'), [root])).resolves.toBe(join(root, 'web'));
    });

    it('refuses a link under a root that leads outside it', async () => {
      symlinkSync(join(temp.path, 'private'), join(root, 'shortcut'));

      await expect(resolveAllowedDirectory(join(root, 'shortcut'), [root])).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    });

    it('refuses a path outside the roots before looking at the disk', async () => {
      await expect(resolveAllowedDirectory(join(temp.path, 'missing'), [root])).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    });

    it('says a missing directory under a root does not exist', async () => {
      await expect(resolveAllowedDirectory(join(root, 'missing'), [root])).rejects.toMatchObject({
        code: 'SOURCE_FAILED',
        message: expect.stringContaining('does not exist'),
      });
    });

    it('accepts a directory reached through a root that is itself a link', async () => {
      const linkedRoot = join(temp.path, 'linked-sources');
      symlinkSync(root, linkedRoot);

      await expect(resolveAllowedDirectory(join(linkedRoot, 'web'), [linkedRoot])).resolves.toBe(join(root, 'web'));
    });
  });
});
