import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Read-only look at the top of a project folder: detection never writes and never runs anything. */
export class ProjectFolder {
  constructor(readonly path: string) {}

  isFile(name: string): boolean {
    return statSync(join(this.path, name), { throwIfNoEntry: false })?.isFile() ?? false;
  }

  isDirectory(name: string): boolean {
    return statSync(join(this.path, name), { throwIfNoEntry: false })?.isDirectory() ?? false;
  }

  /** The file's text, or null when it is missing or unreadable. */
  text(name: string): string | null {
    if (!this.isFile(name)) return null;
    try {
      return readFileSync(join(this.path, name), 'utf8');
    } catch {
      return null;
    }
  }

  /** The first of `names` that is a file, or null. */
  firstFile(names: readonly string[]): string | null {
    return names.find((name) => this.isFile(name)) ?? null;
  }
}
