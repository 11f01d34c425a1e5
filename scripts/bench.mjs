// `npm run bench`: every bench/*.bench.ts, one after another (the machine has 2 cores), each printing its own figures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePackages, systemPackages } from './system-packages.mjs';
import { cliOf, root } from './tool-paths.mjs';

const folder = join(root, 'bench');
const benches = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.bench.ts')).sort() : [];
if (benches.length === 0) {
  console.log('No benches in bench/ yet.');
  process.exit(0);
}
if (!ensurePackages(systemPackages.bench, 'the benches')) {
  console.error('Benches that need those packages will fail.');
}

const crashed = [];
for (const name of benches) {
  console.log(`\n▶ bench/${name}`);
  const result = spawnSync(process.execPath, [cliOf('tsx'), join('bench', name)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) crashed.push(name);
}
if (crashed.length > 0) {
  console.error(`\nBenches that did not finish: ${crashed.join(', ')}`);
  process.exit(1);
}
