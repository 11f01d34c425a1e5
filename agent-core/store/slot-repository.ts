import Database from 'better-sqlite3';
import { BerthError, type Color, type SlotState } from '../protocol';
import { now } from './timestamps';

export type SlotOrigin = 'server' | 'local';
export type DesiredState = 'running' | 'stopped';
/** `single` for a single-mode slot, a color for each copy of a blue-green slot. */
export type WorkingCopyName = 'single' | Color;

export interface SlotRecord {
  id: string;
  name: string;
  workspace: string;
  origin: SlotOrigin;
  /** The slot's spec with every secret replaced (see secrets/spec-vault). */
  specJson: string;
  desiredState: DesiredState;
  status: SlotState;
  liveColor: Color | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SlotUpsert {
  id: string;
  name: string;
  workspace: string;
  origin: SlotOrigin;
  specJson: string;
}

export interface WorkingCopy {
  slotId: string;
  copy: WorkingCopyName;
  /** When the template's initial commands last completed in this copy; null until they have. */
  initializedAt: string | null;
  /** The deployment whose version the copy holds. */
  deploymentId: string | null;
}

interface SlotRow {
  id: string;
  name: string;
  workspace: string;
  origin: SlotOrigin;
  spec_json: string;
  desired_state: DesiredState;
  status: SlotState;
  live_color: Color | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface WorkingCopyRow {
  slot_id: string;
  copy: WorkingCopyName;
  initialized_at: string | null;
  deployment_id: string | null;
}

function prepareStatements(db: Database.Database) {
  return {
    upsert: db.prepare<SlotUpsert & { now: string }, SlotRow>(
      `INSERT INTO slots (id, name, workspace, origin, spec_json, created_at, updated_at)
       VALUES (@id, @name, @workspace, @origin, @specJson, @now, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, workspace = excluded.workspace,
         origin = excluded.origin, spec_json = excluded.spec_json, updated_at = excluded.updated_at
       RETURNING *`,
    ),
    byName: db.prepare<[string, string], SlotRow>('SELECT * FROM slots WHERE workspace = ? AND name = ?'),
    get: db.prepare<[string], SlotRow>('SELECT * FROM slots WHERE id = ?'),
    list: db.prepare<[], SlotRow>('SELECT * FROM slots ORDER BY workspace, name'),
    remove: db.prepare<[string]>('DELETE FROM slots WHERE id = ?'),
    setDesiredState: db.prepare<[DesiredState, string, string], SlotRow>(
      'UPDATE slots SET desired_state = ?, updated_at = ? WHERE id = ? RETURNING *',
    ),
    setStatus: db.prepare<[SlotState, Color | null, string | null, string, string], SlotRow>(
      'UPDATE slots SET status = ?, live_color = ?, error = ?, updated_at = ? WHERE id = ? RETURNING *',
    ),
    workingCopy: db.prepare<[string, WorkingCopyName], WorkingCopyRow>(
      'SELECT * FROM working_copies WHERE slot_id = ? AND copy = ?',
    ),
    markInitialized: db.prepare<[string, WorkingCopyName, string], WorkingCopyRow>(
      `INSERT INTO working_copies (slot_id, copy, initialized_at) VALUES (?, ?, ?)
       ON CONFLICT (slot_id, copy) DO UPDATE SET initialized_at = excluded.initialized_at
       RETURNING *`,
    ),
    setDeployment: db.prepare<[string, WorkingCopyName, string | null], WorkingCopyRow>(
      `INSERT INTO working_copies (slot_id, copy, deployment_id) VALUES (?, ?, ?)
       ON CONFLICT (slot_id, copy) DO UPDATE SET deployment_id = excluded.deployment_id
       RETURNING *`,
    ),
  };
}

export class SlotRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  /** Adds the slot, or replaces its name, workspace, origin and spec, keeping its state. */
  upsert(slot: SlotUpsert): SlotRecord {
    const other = this.statements.byName.get(slot.workspace, slot.name);
    if (other !== undefined && other.id !== slot.id) {
      throw new BerthError(
        'INVALID_PAYLOAD',
        `Slot '${slot.name}' already exists in workspace '${slot.workspace}' with id ${other.id}; remove that slot or choose another name.`,
      );
    }
    return toSlot(this.statements.upsert.get({ ...slot, now: now() })!);
  }

  get(id: string): SlotRecord | null {
    const row = this.statements.get.get(id);
    return row === undefined ? null : toSlot(row);
  }

  list(): SlotRecord[] {
    return this.statements.list.all().map(toSlot);
  }

  /** Deletes the slot with its working-copy records and deployments; false when it did not exist. */
  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }

  setDesiredState(id: string, state: DesiredState): SlotRecord {
    return toSlot(found(this.statements.setDesiredState.get(state, now(), id), id));
  }

  setStatus(id: string, status: SlotState, liveColor: Color | null, error: string | null): SlotRecord {
    return toSlot(found(this.statements.setStatus.get(status, liveColor, error, now(), id), id));
  }

  getWorkingCopy(slotId: string, copy: WorkingCopyName): WorkingCopy | null {
    const row = this.statements.workingCopy.get(slotId, copy);
    return row === undefined ? null : toWorkingCopy(row);
  }

  markInitialized(slotId: string, copy: WorkingCopyName): WorkingCopy {
    return this.writeWorkingCopy(slotId, () => this.statements.markInitialized.get(slotId, copy, now())!);
  }

  setWorkingCopyDeployment(slotId: string, copy: WorkingCopyName, deploymentId: string | null): WorkingCopy {
    return this.writeWorkingCopy(slotId, () => this.statements.setDeployment.get(slotId, copy, deploymentId)!);
  }

  private writeWorkingCopy(slotId: string, write: () => WorkingCopyRow): WorkingCopy {
    try {
      return toWorkingCopy(write());
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw notFound(slotId);
      throw error;
    }
  }
}

function found(row: SlotRow | undefined, id: string): SlotRow {
  if (row === undefined) throw notFound(id);
  return row;
}

function notFound(id: string): BerthError {
  return new BerthError('NOT_FOUND', `Slot ${id} is not known to this host; deploy it first.`);
}

function toSlot(row: SlotRow): SlotRecord {
  return {
    id: row.id,
    name: row.name,
    workspace: row.workspace,
    origin: row.origin,
    specJson: row.spec_json,
    desiredState: row.desired_state,
    status: row.status,
    liveColor: row.live_color,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toWorkingCopy(row: WorkingCopyRow): WorkingCopy {
  return {
    slotId: row.slot_id,
    copy: row.copy,
    initializedAt: row.initialized_at,
    deploymentId: row.deployment_id,
  };
}
