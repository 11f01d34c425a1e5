import type Database from 'better-sqlite3';
import { now } from './timestamps';

/**
 * A process the agent started. The start time tells the same process apart from a later one that
 * the OS gave the same pid, so that a restarted agent ends only its own orphans.
 */
export interface ProcessRecord {
  pid: number;
  startTime: string;
  slotId: string;
  deploymentId: string | null;
  label: string;
  recordedAt: string;
}

export type NewProcessRecord = Omit<ProcessRecord, 'recordedAt'>;

interface ProcessRow {
  pid: number;
  start_time: string;
  slot_id: string;
  deployment_id: string | null;
  label: string;
  recorded_at: string;
}

// Plain (NORMAL) commits are enough here: a crash of the agent alone loses no commit, and after a
// power cut there are no orphans left to end.
function prepareStatements(db: Database.Database) {
  return {
    record: db.prepare<Record<string, unknown>>(
      `INSERT OR REPLACE INTO processes (pid, start_time, slot_id, deployment_id, label, recorded_at)
       VALUES (@pid, @startTime, @slotId, @deploymentId, @label, @recordedAt)`,
    ),
    remove: db.prepare<[number]>('DELETE FROM processes WHERE pid = ?'),
    removeExact: db.prepare<[number, string]>('DELETE FROM processes WHERE pid = ? AND start_time = ?'),
    list: db.prepare<[], ProcessRow>('SELECT * FROM processes ORDER BY recorded_at, pid'),
    listForSlot: db.prepare<[string], ProcessRow>('SELECT * FROM processes WHERE slot_id = ? ORDER BY recorded_at, pid'),
  };
}

export class ProcessRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  record(started: NewProcessRecord): ProcessRecord {
    const record = { ...started, recordedAt: now() };
    this.statements.record.run(record);
    return record;
  }

  /** Forgets the process; with a start time, only that incarnation of the pid. */
  remove(pid: number, startTime?: string): void {
    if (startTime === undefined) this.statements.remove.run(pid);
    else this.statements.removeExact.run(pid, startTime);
  }

  list(): ProcessRecord[] {
    return this.statements.list.all().map(toRecord);
  }

  listForSlot(slotId: string): ProcessRecord[] {
    return this.statements.listForSlot.all(slotId).map(toRecord);
  }
}

function toRecord(row: ProcessRow): ProcessRecord {
  return {
    pid: row.pid,
    startTime: row.start_time,
    slotId: row.slot_id,
    deploymentId: row.deployment_id,
    label: row.label,
    recordedAt: row.recorded_at,
  };
}
