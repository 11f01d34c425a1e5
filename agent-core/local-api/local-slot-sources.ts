import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { BerthError } from '../protocol';
import { LocalSlotSource } from '../protocol/local-api';

const SourcesFile = z.record(z.string(), LocalSlotSource);

/**
 * Where each local slot takes its code from (a directory or a branch), in `local-slots.json`
 * beside settings.json: the slot spec has no place for it, since the control plane sends the
 * source with each deployment instead.
 */
export class LocalSlotSources {
  private readonly path: string;
  private sources: Record<string, LocalSlotSource>;

  constructor(storagePath: string) {
    this.path = join(storagePath, 'local-slots.json');
    this.sources = this.read();
  }

  get(slotId: string): LocalSlotSource | null {
    return this.sources[slotId] ?? null;
  }

  set(slotId: string, source: LocalSlotSource): void {
    this.write({ ...this.sources, [slotId]: source });
  }

  delete(slotId: string): void {
    if (!(slotId in this.sources)) return;
    const { [slotId]: _removed, ...rest } = this.sources;
    this.write(rest);
  }

  private read(): Record<string, LocalSlotSource> {
    if (!existsSync(this.path)) return {};
    try {
      return SourcesFile.parse(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch (error) {
      throw new BerthError('INVALID_PAYLOAD', `${this.path} cannot be read (${(error as Error).message}); fix or delete it`);
    }
  }

  // Through a temporary file and a rename, so a crash never leaves half a file.
  private write(sources: Record<string, LocalSlotSource>): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(sources, null, 2)}\n`);
    renameSync(temporary, this.path);
    this.sources = sources;
  }
}
