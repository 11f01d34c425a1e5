import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'windows.yml'), 'utf8'));
const scripts: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;

type Step = { run?: string; uses?: string };
const steps: Step[] = Object.values(workflow.jobs as Record<string, { steps: Step[] }>).flatMap((job) => job.steps);
const commands = steps.flatMap((step) => (step.run ? [step.run] : []));

describe('CI workflow', () => {
  it('calls only npm scripts that package.json defines', () => {
    const called = commands.flatMap((command) => [...command.matchAll(/npm run ([\w:.-]+)/g)].map((match) => match[1]));
    expect(called.length).toBeGreaterThan(0);
    for (const name of called) expect(Object.keys(scripts), `npm run ${name}`).toContain(name);
    if (commands.some((command) => /\bnpm (?:test|t)\b/.test(command))) expect(scripts['test']).toBeDefined();
  });

  it('builds the Windows installer on Windows and runs the CI script on Linux', () => {
    expect(workflow.jobs.windows['runs-on']).toBe('windows-latest');
    expect(workflow.jobs.windows.steps.map((step: Step) => step.run)).toEqual(
      expect.arrayContaining(['npm ci', 'node node_modules/electron/install.js', 'npm test', 'npm run test:electron', 'npm run dist:win']),
    );
    expect(workflow.jobs.linux.steps.map((step: Step) => step.run)).toContain('bash .ci/run');
  });
});
