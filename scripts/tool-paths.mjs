// Runs a package's own CLI file with this Node, so scripts need no shell and no .cmd shims on Windows.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

export function cliOf(pkg, name = pkg) {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name];
  return join(dirname(join(root, 'node_modules', pkg, 'package.json')), bin);
}
