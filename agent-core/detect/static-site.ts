import type { Command, Template } from '../protocol';
import { templateOf, type Detection } from './detection';
import type { ProjectFolder } from './project-folder';
import { STATIC_SERVER_SCRIPT } from './static-server-script';

/** The service that serves `directory` (relative to the working copy) with Berth's static server. */
export function staticServerCommand(directory: string): Command {
  return { type: 'node', name: 'static server', arguments: STATIC_SERVER_SCRIPT, workingDirectory: directory === '.' ? null : directory };
}

export function staticSiteTemplate(initial: Command[], build: Command[], directory: string): Template {
  return templateOf(initial, build, staticServerCommand(directory));
}

/** A folder with an index.html: served as it is. */
export function detectStaticSite(folder: ProjectFolder): Detection | null {
  if (!folder.isFile('index.html')) return null;
  return {
    kind: 'static',
    template: staticSiteTemplate([], [], '.'),
    explanation: ['index.html found: a static site, served by Berth\'s static server (content types by extension; needs Node.js on PATH)'],
  };
}
