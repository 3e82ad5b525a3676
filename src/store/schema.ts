// The run store's SQLite schema and its migrations. `PRAGMA user_version` is the schema version;
// each migration runs once, in order, in a transaction, so an old workspace upgrades in place.

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id             TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        name           TEXT NOT NULL,
        config         TEXT NOT NULL,               -- JSON
        status         TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        error          TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        finished_at    TEXT,
        host           TEXT NOT NULL,               -- JSON: hostname, platform, cpus, node
        pid            INTEGER,
        fathom_version TEXT NOT NULL
      );
      CREATE INDEX runs_by_kind ON runs (kind, created_at);

      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step   INTEGER NOT NULL,
        name   TEXT NOT NULL,
        value  REAL,                                -- NULL stands for a non-finite value
        time   REAL NOT NULL,                       -- seconds since the Unix epoch
        PRIMARY KEY (run_id, name, step)
      ) WITHOUT ROWID;

      CREATE TABLE eval_items (
        run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        item_id    TEXT NOT NULL,
        stages     TEXT NOT NULL DEFAULT '{}',      -- JSON: stage name -> stored output
        status     TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, item_id)
      ) WITHOUT ROWID;

      CREATE TABLE artifacts (
        run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        path       TEXT NOT NULL,                   -- relative to the workspace's artifacts/ folder
        sha256     TEXT NOT NULL,
        kind       TEXT NOT NULL,
        bytes      INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, path)
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
