import type { Detection } from './detection';
import { detectNode } from './node-project';
import { detectProcfile } from './procfile';
import { ProjectFolder } from './project-folder';
import { detectPython } from './python-project';
import { detectStaticSite } from './static-site';

export type { Detection, ProjectKind } from './detection';
export { parseProcfile, ProcfileProblem, type ProcfileEntry } from './procfile';
export { STATIC_SERVER_SCRIPT } from './static-server-script';

/** Health-check paths tried, in order, against the first deployment; the first that answers is kept. */
export const HEALTH_CHECK_CANDIDATES = ['/healthz', '/health', '/'] as const;

export const NOTHING_DETECTED = `Berth looked for, in order:
  1. a Procfile with a web: line
  2. a package.json with a "start" script, an entry file (server.js, app.js, index.js) or a "build" script
  3. a Python app: manage.py, app.py or main.py (with requirements.txt or pyproject.toml for dependencies)
  4. an index.html (a static site)
and found none. Say how to start the app in a Procfile at the folder's top, e.g.:
  web: ./my-server --port $PORT
(web: is the service and must listen on $PORT; release: runs before it at every deployment)`;

/** Thrown when nothing in the folder says how to run it; the message says what was looked for. */
export class NothingDetected extends Error {
  constructor(readonly directory: string) {
    super(`${directory}: no app found.\n${NOTHING_DETECTED}`);
    this.name = 'NothingDetected';
  }
}

/**
 * The template a folder asks for: a Procfile first, then Node.js, Python, a static site. Reads
 * only the folder's top level; throws NothingDetected (or ProcfileProblem) when none fits.
 */
export function detectProject(directory: string): Detection {
  const folder = new ProjectFolder(directory);
  for (const detect of [detectProcfile, detectNode, detectPython, detectStaticSite]) {
    const found = detect(folder);
    if (found) return found;
  }
  throw new NothingDetected(directory);
}
