import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

/** A module that imports `specifier` and uses what it imported, so only the import itself can be wrong. */
function importing(...specifiers: string[]): string {
  const lines = specifiers.map((specifier, index) => `import * as m${index} from '${specifier}';`);
  return `${lines.join('\n')}\nexport const used = [${specifiers.map((_, index) => `m${index}`).join(', ')}];\n`;
}

async function expectAllowed(file: string, ...specifiers: string[]) {
  expect(await problems(file, importing(...specifiers))).toEqual([]);
}

async function expectForbidden(file: string, specifier: string) {
  const found = await problems(file, importing(specifier));
  expect(found, `${file} importing ${specifier}`).toEqual([expect.stringMatching(/^berth\/layers: '.+' may not be imported by/)]);
}

describe('layers', () => {
  it('lets agent-core/protocol import zod and its own files only', async () => {
    await expectAllowed('agent-core/protocol/example.ts', 'zod', './names', '../protocol/errors');
    for (const wrong of ['node:fs', 'path', 'ws', 'electron', '../slots/slot-queue', '../runtime']) {
      await expectForbidden('agent-core/protocol/example.ts', wrong);
    }
    await expectForbidden('agent-core/protocol/nested/example.ts', '../../store');
  });

  it('lets the rest of agent-core use Node, native modules and protocol but never electron, main or renderer', async () => {
    await expectAllowed('agent-core/store/example.ts', 'better-sqlite3', 'node-pty', 'keytar', 'node:path', '../protocol', '../slots/slot-queue');
    for (const wrong of ['electron', 'electron/main', 'electron-log', 'electron-updater', '../../main/index', '../../renderer/src/app']) {
      await expectForbidden('agent-core/store/example.ts', wrong);
    }
  });

  it('keeps SQL in agent-core/store: the rest of agent-core reaches the database through its repositories', async () => {
    await expectAllowed('agent-core/connection/example.ts', '../store', 'node-pty');
    for (const file of ['agent-core/connection/example.ts', 'agent-core/deployments/example.ts', 'agent-core/runtime-example.ts']) {
      await expectForbidden(file, 'better-sqlite3');
    }
    expect(await problems('agent-core/connection/example.ts', importing('../store/open-store'))).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*databaseOf\(\) is for tests/),
    ]);
    expect(await problems('agent-core/connection/example.ts', importing('./outbox.ts'))).toEqual([expect.stringMatching(/no file extension/)]);
    expect(await problems('agent-core/store/example.ts', importing('./open-store'))).toEqual([]);
  });

  it('keeps the CLI on top: the service and the utility process share code with it through a neutral module, never by importing it', async () => {
    await expectAllowed('agent-core/cli/commands/example.ts', '../../agent-log-printer', '../../store', '../style');
    for (const file of ['agent-core/service/example.ts', 'agent-core/utility-process/example.ts', 'agent-core/store/example.ts']) {
      await expectForbidden(file, '../cli/style');
    }
  });

  it('lets main import electron, its helpers, Node and protocol but not the rest of agent-core', async () => {
    await expectAllowed('main/example.ts', 'electron', 'electron-log', 'electron-updater', 'node:path', '../agent-core/protocol', './window');
    for (const wrong of ['../agent-core/slots/slot-queue', '../agent-core/runtime', '../agent-core', 'keytar', 'better-sqlite3', 'react', '../renderer/src/app']) {
      await expectForbidden('main/example.ts', wrong);
    }
  });

  it('keeps the sandboxed preload to electron and protocol', async () => {
    await expectAllowed('preload/index.ts', 'electron', '../agent-core/protocol');
    for (const wrong of ['node:fs', 'zod', '../main/index', '../agent-core/store']) await expectForbidden('preload/index.ts', wrong);
  });

  it('keeps the renderer free of Node, native modules and agent internals', async () => {
    await expectAllowed('renderer/src/example.tsx', 'react', 'react-dom/client', 'zustand', '@xterm/xterm', '@xterm/addon-fit', 'uplot', 'uplot/dist/uPlot.min.css', '../../agent-core/protocol', './app');
    for (const wrong of ['node:path', 'fs', 'node-pty', 'better-sqlite3', 'keytar', 'electron', 'ws', '../../agent-core/runner/redactor', '../../main/index']) {
      await expectForbidden('renderer/src/example.tsx', wrong);
    }
  });

  it('also sees re-exports, dynamic imports, import types and require calls', async () => {
    const file = 'renderer/src/example.ts';
    expect(await problems(file, "export * from '../../agent-core/store';\n")).toHaveLength(1);
    expect(await problems(file, "export { x } from 'node:fs';\n")).toHaveLength(1);
    expect(await problems(file, "export const load = () => import('node:fs');\n")).toHaveLength(1);
    expect(await problems(file, "export type Stats = import('node:fs').Stats;\n")).toHaveLength(1);
    expect(await problems('agent-core/store/example.ts', "export const e = require('electron');\n")).toContainEqual(
      expect.stringMatching(/^berth\/layers: 'electron' may not be imported/),
    );
  });

  it('refuses default exports except in tool config files', async () => {
    expect(await problems('agent-core/store/example.ts', 'export default function open() {}\n')).toEqual([
      expect.stringMatching(/^no-restricted-syntax: Use a named export/),
    ]);
    expect(await problems('renderer/src/example.ts', 'const x = 1;\nexport { x as default };\n')).toHaveLength(1);
    expect(await problems('vitest.config.ts', 'export default {};\n')).toEqual([]);
  });

  it('refuses file extensions on relative imports', async () => {
    expect(await problems('agent-core/store/example.ts', importing('./database.ts'))).toEqual([
      expect.stringMatching(/^no-restricted-imports:.*no file extension/),
    ]);
  });
});
