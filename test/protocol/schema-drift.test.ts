import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocolJsonSchemas } from '../../agent-core/protocol/control-plane';

const SCHEMA_FOLDER = join(import.meta.dirname, '..', '..', 'schema');

function committedFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(SCHEMA_FOLDER, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

describe('schema drift', () => {
  it('has the committed JSON Schema files exactly as the protocol schemas generate them (run npm run schema)', () => {
    const generated = protocolJsonSchemas();
    expect(committedFiles(SCHEMA_FOLDER)).toEqual(Object.keys(generated).sort());
    for (const [path, schema] of Object.entries(generated)) {
      expect(readFileSync(join(SCHEMA_FOLDER, path), 'utf8'), `schema/${path} is out of date: run npm run schema`).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    }
  });
});
