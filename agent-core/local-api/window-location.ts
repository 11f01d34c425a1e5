import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The folder of the file the process started from. Only an entry file has a fixed place in the
// build (out/main/berth-agent.js, out/main/agent-utility.js); the bundler moves every other module
// into out/main/chunks/, so a module that looked for the window from its own file missed it.
let entryDirectory: string | null = null;

/**
 * Each entry file calls this first with its own `import.meta.url`, so the built window is found from
 * it. The first call wins: the built bin's entry (cli/berth-agent-entry.ts) loads the CLI, which
 * calls it too from where the bundler put it.
 */
export function setEntryFile(entryUrl: string): void {
  entryDirectory ??= dirname(fileURLToPath(entryUrl));
}

/**
 * The built window (out/renderer): beside the entry's folder in the build (out/main → out/renderer),
 * or the repository's out/renderer when the agent runs from its sources with tsx. Null when the
 * window has not been built.
 */
export function findRendererDir(): string | null {
  const candidates = [
    ...(entryDirectory === null ? [] : [join(entryDirectory, '..', 'renderer')]),
    // From the sources, this file is agent-core/local-api/window-location.ts at a fixed place.
    fileURLToPath(new URL('../../out/renderer', import.meta.url)),
  ];
  return candidates.find((folder) => existsSync(join(folder, 'index.html'))) ?? null;
}
