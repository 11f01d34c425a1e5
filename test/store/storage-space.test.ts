import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultFloorBytes, RESERVE_FILE, StorageSpace } from '../../agent-core/store';
import { mountSmallDisk } from '../fixtures/small-disk';

const disk = mountSmallDisk(16);
const skipped = typeof disk === 'string' ? disk : null;

describe('storage floor', () => {
  it('defaults to 1 GB, or 5 % of a disk smaller than 20 GB', () => {
    expect(defaultFloorBytes(500 * 1024 ** 3)).toBe(1024 ** 3);
    expect(defaultFloorBytes(10 * 1024 ** 3)).toBe(512 * 1024 ** 2);
  });
});

describe.skipIf(skipped !== null)(skipped === null ? 'storage space on a small disk' : `storage space on a small disk (skipped: ${skipped})`, () => {
  const small = disk as Exclude<typeof disk, string>;
  afterAll(() => small.remove());

  it('keeps a reserve, gives it back when the disk fills, refuses deployments under the floor, and takes the reserve again once there is room', () => {
    const reserve = join(small.path, RESERVE_FILE);
    const changes: boolean[] = [];
    const space = new StorageSpace(small.path, { floorBytes: () => 2 * 1024 ** 2, reserveBytes: 1024 ** 2 });
    space.on('change', (state) => changes.push(state.low));

    expect(space.check().low).toBe(false);
    expect(statSync(reserve).size).toBe(1024 ** 2);
    expect(() => space.assertRoomForDeployment()).not.toThrow();

    small.fill();
    space.diskFull();
    expect(existsSync(reserve)).toBe(false);
    expect(space.current).toMatchObject({ low: true, message: expect.stringMatching(/^the storage disk is full: .* free at .*; free space or move the storage folder$/) });
    // The reserve given back is room for the failure, not for new work.
    expect(() => space.assertRoomForDeployment()).toThrow(/no new deployment while the storage disk is under its floor: .* free at .*, the floor is 2 MB \(setting storageFloorBytes\)/);
    expect(existsSync(reserve)).toBe(false);

    small.free();
    expect(space.check().low).toBe(false);
    expect(statSync(reserve).size).toBe(1024 ** 2);
    expect(changes).toEqual([true, false]);
  });
});
