import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * The version in Berth's package.json, found by walking up from this file: the same lookup works
 * from the sources (tsx), from the bundle in out/ and from inside the packaged app.
 */
export function agentVersion(): string {
  if (cached !== null) return cached;
  cached = '0.0.0';
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (parsed.name === 'berth' && typeof parsed.version === 'string') {
          cached = parsed.version;
          break;
        }
      } catch {
        // A package.json that is not Berth's or not readable: keep walking up.
      }
    }
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return cached;
}
