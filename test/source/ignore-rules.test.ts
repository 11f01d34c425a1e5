import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIgnoreRules } from '../../agent-core/source/ignore-rules';
import { makeTempDir } from '../fixtures/temp-dir';

describe('ignore rules', () => {
  let temp: { path: string; cleanup: () => void };

  beforeEach(() => {
    temp = makeTempDir('berth-ignore-');
  });

  afterEach(() => temp.cleanup());

  it('leaves out git data, dependencies, build output, caches and logs by default', async () => {
    const ignored = await loadIgnoreRules(temp.path);

    expect(ignored('.git', true)).toBe(true);
    expect(ignored('node_modules', true)).toBe(true);
    expect(ignored('packages/ui/node_modules', true)).toBe(true);
    expect(ignored('.next/cache', true)).toBe(true);
    expect(ignored('dist', true)).toBe(true);
    expect(ignored('build', true)).toBe(true);
    expect(ignored('logs/server.log', false)).toBe(true);
  });

  it('keeps source files and the parts of .next that are not its cache', async () => {
    const ignored = await loadIgnoreRules(temp.path);

    expect(ignored('src/index.ts', false)).toBe(false);
    expect(ignored('.next/server', true)).toBe(false);
    expect(ignored('build.sh', false)).toBe(false);
  });

  it('adds the patterns of .berthignore, which can also bring back a default', async () => {
    writeFileSync(join(temp.path, '.berthignore'), '# local data\ndata/\n*.sqlite\n!dist/\n');

    const ignored = await loadIgnoreRules(temp.path);

    expect(ignored('data', true)).toBe(true);
    expect(ignored('db/app.sqlite', false)).toBe(true);
    expect(ignored('dist', true)).toBe(false);
    expect(ignored('node_modules', true)).toBe(true);
  });
});
