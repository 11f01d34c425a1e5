import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BerthError } from '../protocol';
import type { WrapperFiles } from './service-steps';

/**
 * WinSW as node-windows ships it. Inside the packaged app the package sits in app.asar, but an
 * executable must be a real file: electron-builder unpacks it to app.asar.unpacked.
 */
export function wrapperFiles(resolvePackage: (specifier: string) => string = createRequire(import.meta.url).resolve): WrapperFiles {
  let manifest: string;
  try {
    manifest = resolvePackage('node-windows/package.json');
  } catch {
    throw new BerthError('NOT_FOUND', "the Windows service wrapper (the node-windows package) is not installed; npm installs it on Windows only, so run 'npm ci' there");
  }
  const folder = join(dirname(manifest), 'bin', 'winsw').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  return { exe: join(folder, 'winsw.exe'), config: join(folder, 'winsw.exe.config') };
}
