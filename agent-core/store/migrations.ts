import type Database from 'better-sqlite3';

/**
 * One step of the schema. Migration N (1-based, its position in MIGRATIONS) runs once, in its own
 * transaction, and leaves `PRAGMA user_version = N`. Append new steps; never edit or reorder one
 * that has shipped, because databases in the field already recorded it as done.
 */
export interface Migration {
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

const INITIAL_SCHEMA = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE slots (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  workspace     TEXT NOT NULL,
  origin        TEXT NOT NULL CHECK (origin IN ('server', 'local')),
  spec_json     TEXT NOT NULL,
  desired_state TEXT NOT NULL DEFAULT 'stopped' CHECK (desired_state IN ('running', 'stopped')),
  status        TEXT NOT NULL DEFAULT 'available',
  live_color    TEXT NULL CHECK (live_color IN ('blue', 'green')),
  error         TEXT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
-- Two slots with one workspace and name would share one folder under slots/.
CREATE UNIQUE INDEX slots_workspace_name ON slots(workspace, name);

CREATE TABLE working_copies (
  slot_id        TEXT NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
  copy           TEXT NOT NULL CHECK (copy IN ('single', 'blue', 'green')),
  initialized_at TEXT NULL,
  deployment_id  TEXT NULL,
  PRIMARY KEY (slot_id, copy)
) STRICT;

CREATE TABLE deployments (
  id             TEXT PRIMARY KEY,
  slot_id        TEXT NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
  status         TEXT NOT NULL,
  color          TEXT NULL CHECK (color IN ('blue', 'green')),
  source_json    TEXT NOT NULL,
  content_hash   TEXT NULL,
  is_production  INTEGER NOT NULL DEFAULT 0 CHECK (is_production IN (0, 1)),
  promotion_seq  INTEGER NULL,
  port           INTEGER NULL,
  created_at     TEXT NOT NULL,
  ready_at       TEXT NULL,
  promoted_at    TEXT NULL,
  expires_at     TEXT NULL,
  finished_at    TEXT NULL,
  error          TEXT NULL,
  command_id     TEXT NULL,
  "trigger"      TEXT NOT NULL,
  note           TEXT NULL,
  commit_subject TEXT NULL,
  merged_json    TEXT NULL,
  skipped_json   TEXT NULL
) STRICT;
CREATE UNIQUE INDEX deployments_one_production ON deployments(slot_id) WHERE is_production = 1;
CREATE INDEX deployments_by_slot ON deployments(slot_id, created_at);

CREATE TABLE deploy_log (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  at            TEXT NOT NULL,
  slot_id       TEXT NOT NULL,
  deployment_id TEXT NULL,
  event         TEXT NOT NULL CHECK (event IN ('started', 'ready', 'failed', 'cancelled', 'interrupted', 'stopped')),
  source_json   TEXT NULL,
  "trigger"     TEXT NULL,
  error         TEXT NULL
) STRICT;
CREATE INDEX deploy_log_by_slot ON deploy_log(slot_id, id);
CREATE TRIGGER deploy_log_no_update BEFORE UPDATE ON deploy_log
BEGIN SELECT RAISE(ABORT, 'deploy_log is append-only: its rows cannot be changed'); END;
CREATE TRIGGER deploy_log_no_delete BEFORE DELETE ON deploy_log
BEGIN SELECT RAISE(ABORT, 'deploy_log is append-only: its rows cannot be deleted'); END;

CREATE TABLE processes (
  pid           INTEGER NOT NULL,
  start_time    TEXT NOT NULL,
  slot_id       TEXT NOT NULL,
  deployment_id TEXT NULL,
  label         TEXT NOT NULL,
  recorded_at   TEXT NOT NULL,
  PRIMARY KEY (pid, start_time)
) STRICT;
CREATE INDEX processes_by_slot ON processes(slot_id);

CREATE TABLE snapshots (
  content_hash TEXT PRIMARY KEY,
  archive_path TEXT NOT NULL,
  file_count   INTEGER NOT NULL,
  size_bytes   INTEGER NOT NULL,
  source_path  TEXT NOT NULL,
  created_at   TEXT NOT NULL
) STRICT;
`;

// The outbox's seq must never be reused, even after every row was acknowledged and deleted:
// AUTOINCREMENT keeps the highest one ever given in sqlite_sequence. The commands table has no
// foreign key to slots: a removed slot's command ids must still be recognised when re-sent.
const CONTROL_PLANE_SCHEMA = `
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  type       TEXT NOT NULL,
  body_json  TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE commands (
  command_id  TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  slot_id     TEXT NULL,
  state       TEXT NOT NULL CHECK (state IN ('running', 'done')),
  result_json TEXT NULL,
  received_at TEXT NOT NULL,
  finished_at TEXT NULL
) STRICT;
CREATE INDEX commands_running ON commands(state) WHERE state = 'running';
`;

// deploy_log and processes carry no foreign key to slots on purpose: the history and the list of
// processes to end after a crash must outlive the slot row they mention.
export const MIGRATIONS: readonly Migration[] = [
  { name: 'initial schema', up: (db) => db.exec(INITIAL_SCHEMA) },
  { name: 'control-plane outbox and commands', up: (db) => db.exec(CONTROL_PLANE_SCHEMA) },
  // The secret-free spec each deployment ran with, and what changed in it since the one before.
  { name: 'deployment spec', up: (db) => db.exec('ALTER TABLE deployments ADD COLUMN spec_json TEXT NULL; ALTER TABLE deployments ADD COLUMN changes_json TEXT NULL;') },
  // The code of a failure (GUARD_TRIPPED, HEALTH_CHECK_FAILED, …) beside its message.
  { name: 'deployment error code', up: (db) => db.exec('ALTER TABLE deployments ADD COLUMN error_code TEXT NULL;') },
];
