import type Database from 'better-sqlite3';
import type { ReliableBody } from '../protocol/control-plane';

/** A command's result, as the outbox sends it (numbered on the way). */
export type ResultBody = Extract<ReliableBody, { type: 'result' }>;

export interface CommandRecord {
  commandId: string;
  name: string;
  slotId: string | null;
  state: 'running' | 'done';
  result: ResultBody | null;
  receivedAt: string;
  finishedAt: string | null;
}

interface CommandRow {
  command_id: string;
  name: string;
  slot_id: string | null;
  state: 'running' | 'done';
  result_json: string | null;
  received_at: string;
  finished_at: string | null;
}

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], CommandRow>('SELECT * FROM commands WHERE command_id = ?'),
    begin: db.prepare<[string, string, string | null, string]>(
      "INSERT INTO commands (command_id, name, slot_id, state, received_at) VALUES (?, ?, ?, 'running', ?)",
    ),
    finish: db.prepare<Record<string, unknown>>(
      `INSERT INTO commands (command_id, name, slot_id, state, result_json, received_at, finished_at)
       VALUES (@commandId, @name, @slotId, 'done', @resultJson, @now, @now)
       ON CONFLICT (command_id) DO UPDATE SET state = 'done', result_json = excluded.result_json, finished_at = excluded.finished_at`,
    ),
    running: db.prepare<[], CommandRow>("SELECT * FROM commands WHERE state = 'running' ORDER BY received_at"),
    prune: db.prepare<[string]>("DELETE FROM commands WHERE state = 'done' AND finished_at < ?"),
  };
}

/**
 * The `commands` table: the command ids the agent has seen, with the result of each finished one,
 * what makes a server command idempotent across reconnects and restarts. Payloads are not kept (a
 * spec carries secrets). Writes happen inside the outbox's transaction, beside the message they go with.
 */
export class CommandRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  get(commandId: string): CommandRecord | null {
    const row = this.statements.get.get(commandId);
    return row === undefined ? null : toRecord(row);
  }

  begin(commandId: string, name: string, slotId: string | null): void {
    this.statements.begin.run(commandId, name, slotId, new Date().toISOString());
  }

  /** Records the result; a command rejected before it ran is recorded here for the first time. */
  finish(commandId: string, name: string, slotId: string | null, result: ResultBody): void {
    this.statements.finish.run({ commandId, name, slotId, resultJson: JSON.stringify(result), now: new Date().toISOString() });
  }

  /** Commands that were running when the agent last stopped. */
  running(): CommandRecord[] {
    return this.statements.running.all().map(toRecord);
  }

  /** Forgets finished commands older than the date: a server re-sends a command within minutes, not weeks. */
  prune(finishedBefore: Date): number {
    return this.statements.prune.run(finishedBefore.toISOString()).changes;
  }
}

function toRecord(row: CommandRow): CommandRecord {
  return {
    commandId: row.command_id,
    name: row.name,
    slotId: row.slot_id,
    state: row.state,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as ResultBody),
    receivedAt: row.received_at,
    finishedAt: row.finished_at,
  };
}
