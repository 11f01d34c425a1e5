import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('README', () => {
  it('says why each dependency is there', () => {
    const section = readme.split('## Libraries and why each is there')[1] ?? '';
    const packages = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)];
    const missing = packages.filter((name) => !section.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('has the sections a newcomer looks for', () => {
    for (const heading of ['Quick start', 'Headless CLI', 'Settings', 'Storage layout', 'Development']) {
      expect(readme).toMatch(new RegExp(`^## ${heading}$`, 'm'));
    }
  });
});
