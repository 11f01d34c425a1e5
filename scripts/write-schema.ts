// `npm run schema`: writes the control-plane protocol as JSON Schema to schema/, for control planes
// written in any language. test/protocol/schema-drift.test.ts fails when the files are out of date.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolJsonSchemas } from '../agent-core/protocol/control-plane';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
rmSync(folder, { recursive: true, force: true });
const files = protocolJsonSchemas();
for (const [path, schema] of Object.entries(files)) {
  const target = join(folder, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
}
process.stdout.write(`wrote ${Object.keys(files).length} schema files to ${folder}\n`);
