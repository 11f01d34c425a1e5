import { existsSync, readFileSync } from 'node:fs';
import { join, matchesGlob, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));

function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path);
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('electron-builder config', () => {
  it('is a configuration electron-builder accepts', () => {
    // The same Ajv settings electron-builder validates with, minus its type coercion.
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('keeps every native module outside the asar archive so it can be loaded', () => {
    const patterns: string[] = [config.asarUnpack].flat();
    for (const addon of ['better-sqlite3/build/Release/better_sqlite3.node', 'node-pty/build/Release/pty.node', 'keytar/build/Release/keytar.node', '@koromix/koffi-win32-x64/win32_x64/koffi.node']) {
      const path = `node_modules/${addon}`;
      expect(patterns.some((pattern) => matchesGlob(path, pattern)), path).toBe(true);
    }
    expect(patterns.some((pattern) => matchesGlob('node_modules/react/index.js', pattern))).toBe(false);
  });

  it('installs per user on Windows without asking for administrator rights', () => {
    expect(config.nsis).toMatchObject({ perMachine: false, allowElevation: false, deleteAppDataOnUninstall: false });
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
  });

  it('points at icons that exist and are large enough for each platform', () => {
    const ico = readFileSync(join(root, config.win.icon));
    const frames = ico.readUInt16LE(4);
    const sizes = Array.from({ length: frames }, (_, index) => ico[6 + 16 * index] || 256);
    expect(sizes).toContain(256);
    expect(sizes).toContain(16);
    for (const icon of [config.mac.icon, config.linux.icon]) {
      const { width, height } = pngSize(join(root, icon));
      expect(width).toBeGreaterThanOrEqual(512);
      expect(height).toBe(width);
    }
  });

  it('ships a tray icon for every agent state at 1x and 2x', () => {
    const tray = join(root, config.extraResources[0].from);
    for (const state of ['online', 'offline', 'deploying', 'error']) {
      expect(pngSize(join(tray, `tray-${state}.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(join(tray, `tray-${state}@2x.png`))).toEqual({ width: 32, height: 32 });
    }
    expect(existsSync(join(root, 'scripts', 'make-icons.mjs'))).toBe(true);
  });
});
