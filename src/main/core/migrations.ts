/**
 * Numbered schema migrations, applied in order inside one transaction each; the database's
 * `user_version` records the last one applied. Never edit a released migration: add one.
 */
export const migrations: readonly string[] = [
  // 1: conversations and tasks
  `
  CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    session_key TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    lane            TEXT NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL,
    prompt          TEXT NOT NULL,
    agent_id        TEXT NOT NULL,
    session_key     TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    not_before      INTEGER NOT NULL DEFAULT 0,
    output          TEXT NOT NULL DEFAULT '',
    usage_json      TEXT,
    finish_reason   TEXT,
    error_code      TEXT,
    error_message   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    started_at      INTEGER,
    finished_at     INTEGER
  );
  CREATE INDEX tasks_by_queue ON tasks (state, priority, not_before, id);
  CREATE INDEX tasks_by_conversation ON tasks (conversation_id, id);
  `,
  // 2: failures (what the automatic-retry budget counts, apart from runs started), sweep index
  `
  ALTER TABLE tasks ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX tasks_by_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;
  `,
  // 3: the user's settings (one JSON document; the gateway token is never stored here)
  `
  CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 4: the local tool calls of agent runs (issue 6)
  `
  CREATE TABLE tool_calls (
    task_id      TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    tool_call_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    args         TEXT NOT NULL,
    decision     TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    result       TEXT NOT NULL,
    at           INTEGER NOT NULL
  );
  CREATE INDEX tool_calls_by_task ON tool_calls (task_id, at);
  `,
  // 5: where the storage probe writes new data to see whether the disk takes it (issue 7)
  `
  CREATE TABLE storage_probe (
    id     INTEGER PRIMARY KEY,
    filler BLOB NOT NULL
  );
  `,
  // 6: issue 12 — what OpenClaw already has of a turn (accepted at, its run ids), crashes of
  // ClawDesk's own workers apart from the task's failures, since when it has waited for an absent
  // gateway and how long for the provider's rate limit (both capped), text of a cut run kept
  // until the next one, and the unfinished tasks of each conversation (one turn per session).
  `
  ALTER TABLE tasks ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN sent_at INTEGER;
  ALTER TABLE tasks ADD COLUMN run_ids TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE tasks ADD COLUMN output_interrupted INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN outage_since INTEGER;
  ALTER TABLE tasks ADD COLUMN rate_wait_ms INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX tasks_unfinished_turns ON tasks (conversation_id, id)
    WHERE state IN ('queued', 'running', 'interrupted');
  CREATE INDEX tasks_queued_order ON tasks (priority, id, conversation_id, not_before)
    WHERE state = 'queued';
  `,
  // 7: the agent each conversation talks to (issue 14); NULL = the agent in the settings
  `
  ALTER TABLE conversations ADD COLUMN agent_id TEXT;
  `,
];
