import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentRuntime } from '../../agent-core/runtime';
import { storageAclCommands } from '../../agent-core/settings';
import { openStore } from '../../agent-core/store';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';
import { SlotSpec } from '../../agent-core/protocol';
import { localJob } from '../../agent-core/slots';

interface Entry {
  path: string;
  mode: number;
  folder: boolean;
}

/** Every file and folder of the storage tree with its mode, not descending into the working copies. */
function storageTree(storagePath: string, workingCopies: readonly string[]): Entry[] {
  const entries: Entry[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    entries.push({ path: relative(storagePath, path) || '.', mode: stat.mode & 0o777, folder: stat.isDirectory() });
    if (stat.isDirectory() && !workingCopies.includes(path)) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(storagePath);
  return entries;
}

function looseEntries(entries: readonly Entry[]): string[] {
  return entries.filter((entry) => entry.mode !== (entry.folder ? 0o700 : 0o600)).map((entry) => `${entry.path} ${entry.mode.toString(8)}`);
}

describe.skipIf(process.platform === 'win32')('storage modes on Linux and macOS', () => {
  let agent: TestAgent | null = null;
  const folders: Array<() => void> = [];
  afterEach(async () => {
    await agent?.close();
    agent = null;
    for (const cleanup of folders.splice(0)) cleanup();
  });

  it('another user can read nothing after a deployment with a snapshot and a captured .env', async () => {
    agent = await startTestAgent();
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    writeFileSync(join(app, '.env'), 'DATABASE_URL=postgres://app:pw@db/app\n', { mode: 0o644 });
    const slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec()), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    agent.runtime.updateSettings({ name: 'renamed-host' });

    const workingCopy = join(agent.storagePath, 'slots', 'acme-web', 'qa-1');
    const tree = storageTree(agent.storagePath, [workingCopy]);
    const paths = tree.map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining(['berth.db', 'berth.db-wal', 'settings.json', join('slots', 'acme-web', 'qa-1')]));
    expect(paths.some((path) => /^artifacts\/.+\.tar\.gz$/.test(path))).toBe(true);
    expect(paths.some((path) => /^logs\/.+\.log$/.test(path))).toBe(true);
    expect(looseEntries(tree)).toEqual([]);
    // The captured .env is in the working copy, which no other user can enter.
    expect(readdirSync(workingCopy)).toContain('.env');
    expect(lstatSync(workingCopy).mode & 0o777).toBe(0o700);
  });

  it('a tree an older version left at 0755/0644 is made private at start, leaving the working copy\'s own files alone', async () => {
    const storage = makeTempDir('berth-old-storage-');
    folders.push(storage.cleanup);
    const root = storage.path;
    openStore(root).close();
    const files = ['berth.db', 'settings.json', 'local-api.token', join('logs', 'slot_a', 'dep_1.log'), join('artifacts', 'sha256-ab.tar.gz')];
    for (const file of files.slice(1)) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), file === 'settings.json' ? '{}\n' : 'x');
    }
    const copy = join(root, 'slots', 'acme', 'web', 'blue');
    mkdirSync(join(copy, 'src'), { recursive: true });
    writeFileSync(join(copy, 'src', 'index.js'), 'x');
    const walkAll = (path: string) => {
      chmodSync(path, lstatSync(path).isDirectory() ? 0o755 : 0o644);
      if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) walkAll(join(path, name));
    };
    walkAll(root);

    const runtime = await AgentRuntime.create({ storagePath: root });
    await runtime.stop();

    expect(looseEntries(storageTree(root, [copy]))).toEqual([]);
    expect(lstatSync(join(copy, 'src')).mode & 0o777).toBe(0o755);
    expect(lstatSync(join(copy, 'src', 'index.js')).mode & 0o777).toBe(0o644);
  });
});

describe('storage ACL on Windows', () => {
  const account = { domain: 'ACME', user: 'QA User', systemRoot: 'C:\\Windows' };

  it('cuts inheritance and grants full control to the agent\'s user, SYSTEM and Administrators only, by SID where names are translated', () => {
    const [grant, remove] = storageAclCommands('C:\\Users\\QA User\\AppData\\Roaming\\Berth', account);
    expect(grant).toEqual({
      file: 'C:\\Windows\\System32\\icacls.exe',
      args: [
        'C:\\Users\\QA User\\AppData\\Roaming\\Berth',
        '/inheritance:r',
        '/grant:r',
        'ACME\\QA User:(OI)(CI)F',
        '*S-1-5-18:(OI)(CI)F',
        '*S-1-5-32-544:(OI)(CI)F',
        '/Q',
      ],
    });
    expect(remove).toEqual({
      file: 'C:\\Windows\\System32\\icacls.exe',
      args: ['C:\\Users\\QA User\\AppData\\Roaming\\Berth', '/remove:g', '*S-1-1-0', '*S-1-5-11', '*S-1-5-32-545', '/Q'],
    });
  });

  it('names a user without a domain by its name alone', () => {
    const [grant] = storageAclCommands('D:\\Berth', { ...account, domain: null });
    expect(grant.args[3]).toBe('QA User:(OI)(CI)F');
  });
});
