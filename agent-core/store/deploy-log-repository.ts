import type Database from 'better-sqlite3';
import type { DeploymentTrigger, Source } from '../protocol';
import type { Durable } from './durable';
import { now } from './timestamps';

export type DeployLogEvent = 'started' | 'ready' | 'failed' | 'cancelled' | 'interrupted' | 'stopped';

export interface DeployLogAppend {
  slotId: string;
  deploymentId?: string | null;
  event: DeployLogEvent;
  source?: Source | null;
  trigger?: DeploymentTrigger | null;
  error?: string | null;
}

export interface DeployLogEntry {
  id: number;
  at: string;
  slotId: string;
  deploymentId: string | null;
  event: DeployLogEvent;
  source: Source | null;
  trigger: DeploymentTrigger | null;
  error: string | null;
}

interface DeployLogRow {
  id: number;
  at: string;
  slot_id: string;
  deployment_id: string | null;
  event: DeployLogEvent;
  source_json: string | null;
  trigger: DeploymentTrigger | null;
  error: string | null;
}

/** The append-only history of what happened to each slot's deployments; the table refuses edits. */
export class DeployLogRepository {
  private readonly insert: Database.Statement<[Record<string, unknown>], DeployLogRow>;
  private readonly bySlot: Database.Statement<[string], DeployLogRow>;

  constructor(
    db: Database.Database,
    private readonly durable: Durable,
  ) {
    this.insert = db.prepare<Record<string, unknown>, DeployLogRow>(
      `INSERT INTO deploy_log (at, slot_id, deployment_id, event, source_json, "trigger", error)
       VALUES (@at, @slotId, @deploymentId, @event, @sourceJson, @trigger, @error)
       RETURNING *`,
    );
    this.bySlot = db.prepare<[string], DeployLogRow>('SELECT * FROM deploy_log WHERE slot_id = ? ORDER BY id');
  }

  /** Appends one event and returns only once it is on the disk. */
  append(entry: DeployLogAppend): DeployLogEntry {
    const row = this.durable(() =>
      this.insert.get({
        at: now(),
        slotId: entry.slotId,
        deploymentId: entry.deploymentId ?? null,
        event: entry.event,
        sourceJson: entry.source == null ? null : JSON.stringify(entry.source),
        trigger: entry.trigger ?? null,
        error: entry.error ?? null,
      }),
    );
    return toEntry(row!);
  }

  /** The slot's events, oldest first. */
  list(slotId: string): DeployLogEntry[] {
    return this.bySlot.all(slotId).map(toEntry);
  }
}

function toEntry(row: DeployLogRow): DeployLogEntry {
  return {
    id: row.id,
    at: row.at,
    slotId: row.slot_id,
    deploymentId: row.deployment_id,
    event: row.event,
    source: row.source_json === null ? null : (JSON.parse(row.source_json) as Source),
    trigger: row.trigger,
    error: row.error,
  };
}
