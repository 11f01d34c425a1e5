import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface Stored {
  trayHintShown: boolean;
}

/** The desktop app's own small memory (not the agent's settings): what it has already told the user. */
export class DesktopPreferences {
  private stored: Stored;

  constructor(private readonly path: string) {
    this.stored = { trayHintShown: false, ...read(path) };
  }

  get trayHintShown(): boolean {
    return this.stored.trayHintShown;
  }

  markTrayHintShown(): void {
    this.stored = { ...this.stored, trayHintShown: true };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.stored)}\n`);
    renameSync(temporary, this.path);
  }
}

function read(path: string): Partial<Stored> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<Stored>) : {};
  } catch {
    return {};
  }
}
