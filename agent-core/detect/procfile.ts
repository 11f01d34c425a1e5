import { shellCommand, templateOf, type Detection, type StackSetup } from './detection';
import { nodeSetup } from './node-project';
import type { ProjectFolder } from './project-folder';
import { pythonSetup } from './python-project';

export interface ProcfileEntry {
  type: string;
  command: string;
}

/** A Procfile's `type: command` lines, in order; comments, blank lines and malformed lines are left out. */
export function parseProcfile(text: string): ProcfileEntry[] {
  const entries: ProcfileEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z0-9_-]+)\s*:\s*(.*\S)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith('#')) entries.push({ type: match[1]!, command: match[2]! });
  }
  return entries;
}

/** Thrown when a folder has a Procfile that cannot become a slot: the message says what to change. */
export class ProcfileProblem extends Error {}

/**
 * The convention of Heroku, foreman and Dokku: `web` is the service, `release` runs before it at
 * every deployment; the stack found beside the Procfile (Node.js, Python) adds its install and build.
 */
export function detectProcfile(folder: ProjectFolder): Detection | null {
  const text = folder.text('Procfile');
  if (text === null) return null;
  const entries = parseProcfile(text);
  const web = entries.find((entry) => entry.type === 'web');
  if (!web) {
    const found = entries.map((entry) => entry.type).join(', ') || 'no process types';
    throw new ProcfileProblem(`the Procfile has ${found} but no web process; add a line such as 'web: node server.js' (the service, listening on $PORT)`);
  }
  const setups = [nodeSetup(folder), pythonSetup(folder)].filter((setup): setup is StackSetup => setup !== null);
  const prefix = setups.map((setup) => setup.shellPrefix).filter(Boolean).join('\n');
  const initial = setups.flatMap((setup) => setup.initial);
  const tasks = setups.flatMap((setup) => setup.build);
  const explanation = ['Procfile found: its web process is the service, with PORT set'];
  explanation.push(...setups.flatMap((setup) => setup.explanation));
  const release = entries.find((entry) => entry.type === 'release');
  if (release) {
    tasks.push(shellCommand('release', release.command, prefix));
    explanation.push(`release: \`${release.command}\` at every deployment, before the service`);
  }
  const others = entries.filter((entry) => entry.type !== 'web' && entry.type !== 'release').map((entry) => entry.type);
  if (others.length > 0) explanation.push(`left out (a slot runs one service): ${others.join(', ')}`);
  const service = shellCommand('web', web.command, prefix);
  return { kind: 'procfile', template: templateOf(initial, tasks, service), explanation };
}
