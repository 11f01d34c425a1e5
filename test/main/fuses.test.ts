import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FuseV1Options, FuseVersion, getCurrentFuseWire, flipFuses } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTempDir } from '../fixtures/temp-dir';

const root = resolve(import.meta.dirname, '..', '..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DISABLED = '0'.charCodeAt(0);
const ENABLED = '1'.charCodeAt(0);

/** A stand-in for Electron's binary: its fuse wire as Electron ships it (version 1, eight fuses, Electron's defaults). */
function fakeElectronBinary(path: string): void {
  const defaults = '10110001';
  writeFileSync(path, Buffer.concat([Buffer.from('MZ fake electron binary '), Buffer.from(SENTINEL), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.from(' rest')]));
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('fuses', () => {
  it('are set at packaging: no running as Node, no NODE_OPTIONS or --inspect, only a verified app.asar, encrypted cookies', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('come out of electron-builder as a wire that flips each fuse in the binary', async () => {
    const folder = makeTempDir();
    cleanups.push(folder.cleanup);
    const binary = join(folder.path, 'Berth.exe');
    fakeElectronBinary(binary);
    // The same conversion electron-builder makes from electron-builder.yml before it calls @electron/fuses.
    const fuseConfig = await (PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<Parameters<typeof flipFuses>[1]> }).generateFuseConfig.call(
      null,
      config.electronFuses,
    );
    expect(fuseConfig.version).toBe(FuseVersion.V1);
    await flipFuses(binary, fuseConfig);
    const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
      asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      fileProtocol: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      runAsNode: DISABLED,
      cookieEncryption: ENABLED,
      nodeOptions: DISABLED,
      inspect: DISABLED,
      asarIntegrity: ENABLED,
      onlyAsar: ENABLED,
      fileProtocol: DISABLED,
    });
  });
});
