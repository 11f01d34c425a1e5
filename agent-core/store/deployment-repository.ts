import type Database from 'better-sqlite3';
import {
  BerthError,
  type Color,
  type Deployment,
  type DeploymentState,
  type DeploymentTrigger,
  type ErrorCode,
  type Source,
  type SpecChange,
} from '../protocol';
import { newId } from './ids';
import { now } from './timestamps';

type SkippedBranch = NonNullable<Deployment['skipped']>[number];

export interface NewDeployment {
  slotId: string;
  source: Source;
  trigger: DeploymentTrigger;
  status?: DeploymentState;
  color?: Color | null;
  contentHash?: string | null;
  port?: number | null;
  commandId?: string | null;
  note?: string | null;
  /** The secret-free spec it runs with (JSON), and what changed in it since the deployment before. */
  specJson?: string | null;
  changes?: SpecChange[] | null;
}

/**
 * Fields a deployment's lifecycle fills in as it goes. A `status` also stamps its time: `ready`
 * sets readyAt; `failed` and `stopped` set the (internal) finished time, which any other status
 * clears again, as when a stopped deployment is started once more.
 */
export interface DeploymentChanges {
  status?: DeploymentState;
  color?: Color | null;
  /** The source as resolved, for instance a git source with its commit. */
  source?: Source;
  contentHash?: string | null;
  port?: number | null;
  error?: string | null;
  errorCode?: ErrorCode | null;
  commitSubject?: string | null;
  note?: string | null;
  merged?: string[] | null;
  skipped?: SkippedBranch[] | null;
}

export interface ListDeploymentsOptions {
  /** Also list soft-deleted deployments. */
  includeDeleted?: boolean;
}

interface DeploymentRow {
  id: string;
  slot_id: string;
  status: DeploymentState;
  color: Color | null;
  source_json: string;
  content_hash: string | null;
  is_production: 0 | 1;
  promotion_seq: number | null;
  port: number | null;
  created_at: string;
  ready_at: string | null;
  promoted_at: string | null;
  expires_at: string | null;
  finished_at: string | null;
  error: string | null;
  error_code: ErrorCode | null;
  command_id: string | null;
  trigger: DeploymentTrigger;
  note: string | null;
  commit_subject: string | null;
  merged_json: string | null;
  skipped_json: string | null;
  spec_json: string | null;
  changes_json: string | null;
}

// Column each change writes, and how its value is stored.
const CHANGE_COLUMNS: { [K in keyof DeploymentChanges]-?: [string, (value: DeploymentChanges[K]) => unknown] } = {
  status: ['status', (value) => value],
  color: ['color', (value) => value],
  source: ['source_json', (value) => JSON.stringify(value)],
  contentHash: ['content_hash', (value) => value],
  port: ['port', (value) => value],
  error: ['error', (value) => value],
  errorCode: ['error_code', (value) => value],
  commitSubject: ['commit_subject', (value) => value],
  note: ['note', (value) => value],
  merged: ['merged_json', (value) => (value == null ? null : JSON.stringify(value))],
  skipped: ['skipped_json', (value) => (value == null ? null : JSON.stringify(value))],
};

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<Record<string, unknown>, DeploymentRow>(
      `INSERT INTO deployments (id, slot_id, status, color, source_json, content_hash, port, created_at, command_id, "trigger", note, spec_json, changes_json)
       VALUES (@id, @slotId, @status, @color, @sourceJson, @contentHash, @port, @createdAt, @commandId, @trigger, @note, @specJson, @changesJson)
       RETURNING *`,
    ),
    get: db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE id = ?'),
    lastSpec: db.prepare<[string], { spec_json: string }>(
      'SELECT spec_json FROM deployments WHERE slot_id = ? AND spec_json IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1',
    ),
    listLive: db.prepare<[string], DeploymentRow>(
      'SELECT * FROM deployments WHERE slot_id = ? AND expires_at IS NULL ORDER BY created_at DESC, id DESC',
    ),
    listAll: db.prepare<[string], DeploymentRow>(
      'SELECT * FROM deployments WHERE slot_id = ? ORDER BY created_at DESC, id DESC',
    ),
    production: db.prepare<[string], DeploymentRow>(
      'SELECT * FROM deployments WHERE slot_id = ? AND is_production = 1',
    ),
    previousProduction: db.prepare<[string], DeploymentRow>(
      `SELECT * FROM deployments
       WHERE slot_id = ? AND is_production = 0 AND promotion_seq IS NOT NULL AND expires_at IS NULL
       ORDER BY promotion_seq DESC LIMIT 1`,
    ),
    lastFailed: db.prepare<[string], DeploymentRow>(
      `SELECT * FROM deployments WHERE slot_id = ? AND status = 'failed' AND expires_at IS NULL
       ORDER BY created_at DESC, id DESC LIMIT 1`,
    ),
    clearProduction: db.prepare<[string]>('UPDATE deployments SET is_production = 0 WHERE slot_id = ? AND is_production = 1'),
    setProduction: db.prepare<[string, string, string], DeploymentRow>(
      `UPDATE deployments SET is_production = 1, promoted_at = ?,
         promotion_seq = (SELECT COALESCE(MAX(promotion_seq), 0) + 1 FROM deployments WHERE slot_id = ?)
       WHERE id = ? RETURNING *`,
    ),
    setExpiresAt: db.prepare<[string, string], DeploymentRow>('UPDATE deployments SET expires_at = ? WHERE id = ? RETURNING *'),
  };
}

export class DeploymentRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly promoteTransaction: Database.Transaction<(slotId: string, deploymentId: string) => Deployment>;
  private readonly softDeleteTransaction: Database.Transaction<(slotId: string, deploymentId: string, expiresAt: string) => Deployment>;

  constructor(private readonly db: Database.Database) {
    const statements = prepareStatements(db);
    this.statements = statements;
    this.promoteTransaction = db.transaction((slotId: string, deploymentId: string): Deployment => {
      const target = this.row(slotId, deploymentId);
      if (target.expires_at !== null) {
        throw new BerthError('INVALID_PAYLOAD', `Deployment ${deploymentId} was deleted, so it cannot be promoted; deploy its source again.`);
      }
      statements.clearProduction.run(slotId);
      return toDeployment(statements.setProduction.get(now(), slotId, deploymentId)!);
    });
    this.softDeleteTransaction = db.transaction((slotId: string, deploymentId: string, expiresAt: string): Deployment => {
      const target = this.row(slotId, deploymentId);
      if (target.is_production === 1) {
        throw new BerthError(
          'INVALID_PAYLOAD',
          `Deployment ${deploymentId} is the production deployment of slot ${slotId}, so it cannot be deleted; promote or roll back to another deployment first.`,
        );
      }
      if (target.expires_at !== null) return toDeployment(target);
      return toDeployment(statements.setExpiresAt.get(expiresAt, deploymentId)!);
    });
  }

  /** Records a new deployment (status `queued` unless given) with a fresh time-ordered `dep_` id. */
  insert(deployment: NewDeployment): Deployment {
    const row = this.statements.insert.get({
      id: newId('dep'),
      slotId: deployment.slotId,
      status: deployment.status ?? 'queued',
      color: deployment.color ?? null,
      sourceJson: JSON.stringify(deployment.source),
      contentHash: deployment.contentHash ?? null,
      port: deployment.port ?? null,
      createdAt: now(),
      commandId: deployment.commandId ?? null,
      trigger: deployment.trigger,
      note: deployment.note ?? null,
      specJson: deployment.specJson ?? null,
      changesJson: deployment.changes ? JSON.stringify(deployment.changes) : null,
    });
    return toDeployment(row!);
  }

  /** The secret-free spec (JSON) of the slot's newest deployment that has one. */
  lastSpecJson(slotId: string): string | null {
    return this.statements.lastSpec.get(slotId)?.spec_json ?? null;
  }

  get(id: string): Deployment | null {
    const row = this.statements.get.get(id);
    return row === undefined ? null : toDeployment(row);
  }

  /** The slot's deployments, newest first; soft-deleted ones only when asked. */
  listForSlot(slotId: string, options: ListDeploymentsOptions = {}): Deployment[] {
    const statement = options.includeDeleted ? this.statements.listAll : this.statements.listLive;
    return statement.all(slotId).map(toDeployment);
  }

  update(id: string, given: DeploymentChanges): Deployment {
    // A new error message without its code clears the old code: the two always describe one failure.
    const changes = given.error !== undefined && given.errorCode === undefined ? { ...given, errorCode: null } : given;
    const assignments: string[] = [];
    const values: Record<string, unknown> = { id };
    for (const key of Object.keys(changes) as (keyof DeploymentChanges)[]) {
      if (changes[key] === undefined) continue;
      const [column, store] = CHANGE_COLUMNS[key] as [string, (value: unknown) => unknown];
      assignments.push(`${column} = @${key}`);
      values[key] = store(changes[key]);
    }
    if (changes.status !== undefined) {
      values.stampedAt = now();
      if (changes.status === 'ready') assignments.push('ready_at = @stampedAt');
      assignments.push(
        changes.status === 'failed' || changes.status === 'stopped' ? 'finished_at = @stampedAt' : 'finished_at = NULL',
      );
    }
    if (assignments.length === 0) return this.require(id);
    const row = this.db
      .prepare<Record<string, unknown>, DeploymentRow>(`UPDATE deployments SET ${assignments.join(', ')} WHERE id = @id RETURNING *`)
      .get(values);
    if (row === undefined) throw notFound(id);
    return toDeployment(row);
  }

  /**
   * Makes the deployment the slot's production one, in one transaction that takes the write lock
   * first, so that even two processes promoting at once leave exactly one production deployment
   * (which the partial unique index deployments_one_production enforces in any case).
   */
  promote(slotId: string, deploymentId: string): Deployment {
    return this.promoteTransaction.immediate(slotId, deploymentId);
  }

  /** Hides the deployment from lists from now on (or from `expiresAt`); its row stays. */
  softDelete(slotId: string, deploymentId: string, expiresAt: string = now()): Deployment {
    return this.softDeleteTransaction.immediate(slotId, deploymentId, expiresAt);
  }

  production(slotId: string): Deployment | null {
    const row = this.statements.production.get(slotId);
    return row === undefined ? null : toDeployment(row);
  }

  /** The deployment that was production most recently before the current one: the default rollback target. */
  previousProduction(slotId: string): Deployment | null {
    const row = this.statements.previousProduction.get(slotId);
    return row === undefined ? null : toDeployment(row);
  }

  lastFailed(slotId: string): Deployment | null {
    const row = this.statements.lastFailed.get(slotId);
    return row === undefined ? null : toDeployment(row);
  }

  private require(id: string): Deployment {
    const deployment = this.get(id);
    if (deployment === null) throw notFound(id);
    return deployment;
  }

  private row(slotId: string, deploymentId: string): DeploymentRow {
    const row = this.statements.get.get(deploymentId);
    if (row === undefined || row.slot_id !== slotId) throw notFound(deploymentId, slotId);
    return row;
  }
}

function notFound(deploymentId: string, slotId?: string): BerthError {
  const where = slotId === undefined ? 'on this host' : `for slot ${slotId} on this host`;
  return new BerthError('NOT_FOUND', `Deployment ${deploymentId} does not exist ${where}; list the slot's deployments to find its id.`);
}

function toDeployment(row: DeploymentRow): Deployment {
  const deployment: Deployment = {
    id: row.id,
    slotId: row.slot_id,
    status: row.status,
    color: row.color,
    source: JSON.parse(row.source_json) as Source,
    contentHash: row.content_hash,
    isProduction: row.is_production === 1,
    port: row.port,
    createdAt: row.created_at,
    readyAt: row.ready_at,
    promotedAt: row.promoted_at,
    expiresAt: row.expires_at,
    error: row.error,
    commandId: row.command_id,
    trigger: row.trigger,
    note: row.note,
    commitSubject: row.commit_subject,
  };
  if (row.error_code !== null) deployment.errorCode = row.error_code;
  if (row.merged_json !== null) deployment.merged = JSON.parse(row.merged_json) as string[];
  if (row.skipped_json !== null) deployment.skipped = JSON.parse(row.skipped_json) as SkippedBranch[];
  if (row.changes_json !== null) deployment.changes = JSON.parse(row.changes_json) as SpecChange[];
  return deployment;
}
