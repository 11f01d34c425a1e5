import Database from 'better-sqlite3';

/** A directory snapshot the host holds, as the `snapshots` table records it. */
export interface SnapshotRecord {
  /** `sha256:` and 64 hex digits. */
  contentHash: string;
  archivePath: string;
  /** Files and symbolic links in the snapshot. */
  fileCount: number;
  /** The files' bytes before compression. */
  sizeBytes: number;
  /** The real path of the directory it was captured from. */
  sourcePath: string;
  /** ISO 8601, when this content was first captured. */
  createdAt: string;
}

interface SnapshotRow {
  content_hash: string;
  archive_path: string;
  file_count: number;
  size_bytes: number;
  source_path: string;
  created_at: string;
}

export class SnapshotRepository {
  private readonly upsertStatement: Database.Statement<SnapshotRow>;
  private readonly getStatement: Database.Statement<[string], SnapshotRow>;
  private readonly listStatement: Database.Statement<[], SnapshotRow>;

  constructor(db: Database.Database) {
    // A capture of content the host already holds updates where it came from, not when it was first taken.
    this.upsertStatement = db.prepare(
      `INSERT INTO snapshots (content_hash, archive_path, file_count, size_bytes, source_path, created_at)
       VALUES (@content_hash, @archive_path, @file_count, @size_bytes, @source_path, @created_at)
       ON CONFLICT (content_hash) DO UPDATE SET
         archive_path = excluded.archive_path,
         file_count = excluded.file_count,
         size_bytes = excluded.size_bytes,
         source_path = excluded.source_path`,
    );
    this.getStatement = db.prepare('SELECT * FROM snapshots WHERE content_hash = ?');
    this.listStatement = db.prepare('SELECT * FROM snapshots ORDER BY created_at DESC, content_hash');
  }

  upsert(record: SnapshotRecord): void {
    this.upsertStatement.run({
      content_hash: record.contentHash,
      archive_path: record.archivePath,
      file_count: record.fileCount,
      size_bytes: record.sizeBytes,
      source_path: record.sourcePath,
      created_at: record.createdAt,
    });
  }

  get(contentHash: string): SnapshotRecord | null {
    const row = this.getStatement.get(contentHash);
    return row === undefined ? null : toRecord(row);
  }

  /** Newest first. */
  list(): SnapshotRecord[] {
    return this.listStatement.all().map(toRecord);
  }
}

function toRecord(row: SnapshotRow): SnapshotRecord {
  return {
    contentHash: row.content_hash,
    archivePath: row.archive_path,
    fileCount: row.file_count,
    sizeBytes: row.size_bytes,
    sourcePath: row.source_path,
    createdAt: row.created_at,
  };
}
