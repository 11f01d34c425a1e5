import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathSegmentProblem } from '../../agent-core/protocol/names';
import { isWithin } from '../../agent-core/source/path-containment';
import { resolveAllowedDirectory, sourceRootProblem } from '../../agent-core/source/source-roots';
import { loadSettings, saveSettings, Settings } from '../../agent-core/settings/settings';
import { defaultStoragePath } from '../../agent-core/settings/storage-path';
import { skipUnderWine, useWorkspace } from './lane';

/** `C:\Users\qa\x` as `c:\USERS\QA\X`: the same folder to Windows. */
function otherCase(windowsPath: string): string {
  return windowsPath[0].toLowerCase() + windowsPath.slice(1).toUpperCase();
}

describe('Windows paths', { timeout: 60_000 }, () => {
  const workspace = useWorkspace();

  it('keeps the storage under %APPDATA%\\Berth', () => {
    assert.ok(process.env.APPDATA, 'Windows sets APPDATA');
    assert.equal(defaultStoragePath(), path.win32.join(process.env.APPDATA, 'Berth'));
    assert.match(defaultStoragePath(), /^[A-Z]:\\.+\\AppData\\Roaming\\Berth$/i);
  });

  it('saves settings over an existing settings.json in a storage folder under APPDATA', () => {
    const appData = workspace.folder();
    const storage = defaultStoragePath('win32', { APPDATA: appData });
    saveSettings(storage, Settings.parse({ name: 'first' }));
    saveSettings(storage, Settings.parse({ name: 'second', sourceRoots: ['D:\\Apps'] }));
    assert.equal(loadSettings(storage).name, 'second');
    assert.deepEqual(loadSettings(storage).sourceRoots, ['D:\\Apps']);
    assert.deepEqual(readdirSync(storage), ['settings.json']);
  });

  it('refuses names Windows turns into devices as slot or workspace names', () => {
    for (const name of ['CON', 'nul', 'Nul.txt', 'COM1', 'lpt9.log', 'aux']) assert.equal(pathSegmentProblem(name), 'is a reserved Windows device name', name);
    for (const name of ['trailing.', 'trailing ']) assert.equal(pathSegmentProblem(name), 'ends with a dot or a space', name);
    assert.equal(pathSegmentProblem('console'), null);
  });

  it('shows why: a file called NUL is the null device, and nothing lands on disk', { skip: skipUnderWine('Wine writes a file called NUL') }, () => {
    const folder = workspace.folder();
    writeFileSync(path.join(folder, 'NUL'), 'gone');
    assert.deepEqual(readdirSync(folder), []);
  });

  it('compares folders as Windows does: drive letter and name case do not matter, a longer sibling name is not inside', () => {
    const root = workspace.folder();
    const apps = path.join(root, 'Apps');
    mkdirSync(path.join(apps, 'web'), { recursive: true });
    assert.equal(isWithin(otherCase(path.join(apps, 'web')), apps), true);
    assert.equal(isWithin(path.join(root, 'Apps-evil', 'x'), apps), false);
    assert.equal(isWithin(path.join(apps, '..', 'secret'), apps), false);
    assert.equal(sourceRootProblem(otherCase(path.join(apps, 'web')), [apps]), null);
    assert.match(sourceRootProblem('C:apps', [apps]) ?? '', /is not an absolute path/);
    assert.match(sourceRootProblem('\\apps', [apps]) ?? '', /is not an absolute path/);
  });

  it('resolves a source folder written in another case to the folder on disk', async () => {
    const root = workspace.folder();
    const web = path.join(root, 'Apps', 'Web');
    mkdirSync(web, { recursive: true });
    const real = await resolveAllowedDirectory(otherCase(web), [path.join(root, 'apps')]);
    assert.equal(real.toLowerCase(), web.toLowerCase());
    assert.equal(existsSync(real), true);
  });

  it('refuses a junction under a source root that leads out of it', async (t) => {
    const root = workspace.folder();
    const apps = path.join(root, 'apps');
    const outside = path.join(root, 'outside');
    mkdirSync(apps);
    mkdirSync(outside);
    try {
      symlinkSync(outside, path.join(apps, 'escape'), 'junction');
    } catch (error) {
      t.skip(`this system cannot make a junction (${(error as Error).message})`);
      return;
    }
    await assert.rejects(resolveAllowedDirectory(path.join(apps, 'escape'), [apps]), /which is not under a configured source root/);
  });
});
