import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStoragePath, loadSettings, saveSettings, settingsPath } from '../../agent-core/settings';
import { makeTempDir } from '../fixtures/temp-dir';

describe('settings', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.cleanup());

  it('round-trips through settings.json and fills defaults', () => {
    const saved = { ...loadSettings(temp.path), name: 'qa-box', sourceRoots: ['/srv/apps'] };
    saveSettings(temp.path, saved);
    expect(loadSettings(temp.path)).toMatchObject({ name: 'qa-box', sourceRoots: ['/srv/apps'], serverUrl: null });
  });

  it('names the file and the field when settings.json is wrong', () => {
    writeFileSync(settingsPath(temp.path), JSON.stringify({ serverUrl: 'not a url' }));
    expect(() => loadSettings(temp.path)).toThrow(/settings\.json has invalid settings: serverUrl/);
    writeFileSync(settingsPath(temp.path), '{ broken');
    expect(() => loadSettings(temp.path)).toThrow(/is not valid JSON/);
  });

  it('keeps storage in the OS app-data folder of each platform', () => {
    expect(defaultStoragePath('win32', { APPDATA: 'C:\\Users\\qa\\AppData\\Roaming' })).toBe('C:\\Users\\qa\\AppData\\Roaming\\Berth');
    expect(defaultStoragePath('darwin', {})).toMatch(/Library\/Application Support\/Berth$/);
    expect(defaultStoragePath('linux', { XDG_DATA_HOME: '/home/qa/.data' })).toBe(join('/home/qa/.data', 'berth'));
  });
});
