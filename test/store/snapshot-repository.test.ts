import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotRepository, type SnapshotRecord } from '../../agent-core/store/snapshot-repository';
import { openStore } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';

const record = (overrides: Partial<SnapshotRecord> = {}): SnapshotRecord => ({
  contentHash: `sha256:${'1'.repeat(64)}`,
  archivePath: '/storage/artifacts/1111.tar.gz',
  fileCount: 12,
  sizeBytes: 3456,
  sourcePath: '/srv/apps/web',
  createdAt: '2026-11-22T10:00:00.000Z',
  ...overrides,
});

describe('snapshot repository', () => {
  let stored: ReturnType<typeof openTempStore>;
  let snapshots: SnapshotRepository;

  beforeEach(() => {
    stored = openTempStore();
    snapshots = stored.store.snapshots;
  });

  afterEach(() => stored.cleanup());

  it('keeps a snapshot record across a restart of the store', () => {
    snapshots.upsert(record());
    stored.store.close();

    const reopened = openStore(stored.storagePath);
    try {
      expect(reopened.snapshots.get(record().contentHash)).toEqual(record());
    } finally {
      reopened.close();
    }
  });

  it('answers null for a snapshot it does not hold', () => {
    expect(snapshots.get(`sha256:${'9'.repeat(64)}`)).toBeNull();
  });

  it('updates where the content came from on a second capture, but keeps when it was first taken', () => {
    snapshots.upsert(record());

    snapshots.upsert(record({ sourcePath: '/srv/apps/web-copy', createdAt: '2026-12-01T00:00:00.000Z' }));

    expect(snapshots.get(record().contentHash)).toEqual(record({ sourcePath: '/srv/apps/web-copy' }));
  });

  it('lists snapshots newest first', () => {
    snapshots.upsert(record({ contentHash: `sha256:${'a'.repeat(64)}`, createdAt: '2026-01-01T00:00:00.000Z' }));
    snapshots.upsert(record({ contentHash: `sha256:${'b'.repeat(64)}`, createdAt: '2026-03-01T00:00:00.000Z' }));

    expect(snapshots.list().map((snapshot) => snapshot.contentHash[7])).toEqual(['b', 'a']);
  });
});
