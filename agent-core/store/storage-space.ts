import { EventEmitter } from 'node:events';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, formatBytes } from '../protocol';
import { defaultFloorBytes, diskUsage, type DiskUsage } from './disk-space';

/** Room kept aside on the storage disk, given back the moment a write finds the disk full. */
export const RESERVE_FILE = 'space.reserve';
export const DEFAULT_RESERVE_BYTES = 4 * 1024 * 1024;
const CHECK_MS = 15_000;

/** Whether the storage disk has room, as the window, the tray and the alerts show it. */
export interface StorageState {
  /** Under the floor, or a write found the disk full since the last check. */
  low: boolean;
  freeBytes: number;
  floorBytes: number;
  /** What a person should know while `low`, else null. */
  message: string | null;
}

export interface StorageSpaceOptions {
  /** The floor from settings now; null: 1 GB or 5 % of the disk, whichever is smaller. */
  floorBytes(): number | null;
  reserveBytes?: number;
  /** Injectable for tests. */
  usage?(path: string): DiskUsage;
}

/**
 * The storage disk's free space. A small reserve file holds room for what must still be written
 * when the disk fills (the deployment's failure, the log's marker, the control plane's messages,
 * SQLite's WAL): `diskFull()` deletes it, and a check puts it back once there is room again.
 * Below the floor no new deployment starts; `change` is emitted when `low` flips either way.
 */
export class StorageSpace extends EventEmitter<{ change: [StorageState] }> {
  private state: StorageState = { low: false, freeBytes: 0, floorBytes: 0, message: null };
  private reserveHeld = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly reserveBytes: number;

  constructor(
    readonly storagePath: string,
    private readonly options: StorageSpaceOptions,
  ) {
    super();
    this.reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
    // A reserve the last run left behind is still held.
    try {
      this.reserveHeld = statSync(join(storagePath, RESERVE_FILE)).size === this.reserveBytes;
    } catch {
      this.reserveHeld = false;
    }
  }

  get current(): StorageState {
    return { ...this.state };
  }

  /** Checks now, then every 15 s (cheap: one statfs) so that space coming back is noticed soon. */
  start(): void {
    this.check();
    this.timer ??= setInterval(() => this.check(), CHECK_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the free space; takes the reserve again when there is room for it above the floor. */
  check(): StorageState {
    let usage: DiskUsage;
    try {
      usage = (this.options.usage ?? diskUsage)(this.storagePath);
    } catch {
      return this.current;
    }
    const floor = this.options.floorBytes() ?? defaultFloorBytes(usage.totalBytes);
    // Free space that is only the reserve given back is not room for new work.
    let free = usage.freeBytes - (this.reserveHeld ? 0 : this.reserveBytes);
    if (!this.reserveHeld && free >= floor) {
      this.takeReserve();
      if (!this.reserveHeld) free = 0;
    }
    // Some room above the floor before the alarm ends, so that a disk hovering at the floor does not flap.
    const low = free < (this.state.low ? floor + Math.max(this.reserveBytes, floor / 20) : floor);
    this.set({ low, freeBytes: Math.max(0, free), floorBytes: floor, message: low ? lowMessage(this.storagePath, Math.max(0, free), floor) : null });
    return this.current;
  }

  /** A write found the disk full: give the reserve back so that the failure can still be recorded. */
  diskFull(): void {
    if (this.reserveHeld) {
      rmSync(join(this.storagePath, RESERVE_FILE), { force: true });
      this.reserveHeld = false;
    }
    if (this.state.low) return;
    const free = safeFree(this.storagePath, this.options.usage);
    this.set({ low: true, freeBytes: free, floorBytes: this.state.floorBytes, message: `the storage disk is full: ${formatBytes(free)} free at ${this.storagePath}; free space or move the storage folder` });
  }

  /** Throws the error a deployment is refused with while the disk is under the floor. */
  assertRoomForDeployment(): void {
    const state = this.check();
    if (!state.low) return;
    throw new BerthError(
      'STORAGE_FULL',
      `no new deployment while the storage disk is under its floor: ${formatBytes(state.freeBytes)} free at ${this.storagePath}, the floor is ${formatBytes(state.floorBytes)} (setting storageFloorBytes); free space or move the storage folder`,
    );
  }

  private takeReserve(): void {
    const path = join(this.storagePath, RESERVE_FILE);
    try {
      // Real zeros, not a sparse file: the blocks must be the disk's, to be given back later.
      writeFileSync(path, Buffer.alloc(this.reserveBytes));
      this.reserveHeld = true;
    } catch {
      rmSync(path, { force: true });
    }
  }

  private set(next: StorageState): void {
    const flipped = next.low !== this.state.low;
    this.state = next;
    if (flipped) this.emit('change', this.current);
  }
}

function lowMessage(storagePath: string, free: number, floor: number): string {
  return `only ${formatBytes(free)} free on the disk holding ${storagePath}, under the floor of ${formatBytes(floor)}: new deployments are refused until there is room; free space or move the storage folder`;
}

function safeFree(path: string, usage: ((path: string) => DiskUsage) | undefined): number {
  try {
    return (usage ?? diskUsage)(path).freeBytes;
  } catch {
    return 0;
  }
}
