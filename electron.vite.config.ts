import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
const fromRoot = (path: string) => resolve(root, path);

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      // Every package in `dependencies` (native modules included) stays external and is loaded from
      // node_modules, but zod: bundled, only what Berth uses of it loads (about 3 MB less in the agent).
      externalizeDeps: { exclude: ['zod'] },
      rolldownOptions: {
        input: {
          index: fromRoot('main/index.ts'),
          // The agent ships beside main: as the Electron utility process and as the headless `berth-agent` bin.
          'berth-agent': fromRoot('agent-core/cli/berth-agent-entry.ts'),
          'agent-utility': fromRoot('agent-core/utility-entry.ts'),
        },
        // V8 keeps each module's source text as long as the process lives, in two bytes a character as
        // soon as one character is not Latin-1: ASCII only (others escaped) and no JSDoc (where the
        // non-ASCII characters were) keeps the agent's ~0.7 MB of chunks at one byte a character.
        output: { entryFileNames: '[name].js', charset: 'ascii', comments: { legal: true, annotation: true, jsdoc: false } },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // A sandboxed preload cannot require packages, so whatever it imports (zod via protocol) is bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    plugins: [react()],
    build: {
      outDir: fromRoot('out/renderer'),
      rolldownOptions: { input: { index: fromRoot('renderer/index.html') } },
    },
  },
});
