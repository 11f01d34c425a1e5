import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
const fromRoot = (path: string) => resolve(root, path);

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      // Every package in `dependencies` (native modules included) stays external and is loaded from node_modules.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: fromRoot('main/index.ts'),
          // The agent ships beside main: as the Electron utility process and as the headless `berth-agent` bin.
          'berth-agent': fromRoot('agent-core/cli/berth-agent-entry.ts'),
          'agent-utility': fromRoot('agent-core/utility-entry.ts'),
        },
        output: { entryFileNames: '[name].js' },
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
