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
  {
    // llm/: the content-addressed request cache (shared by every run of a workspace; errors are
    // never written) and per-run token, request and cost accounting per provider and model.
    version: 2,
    sql: `
      CREATE TABLE llm_cache (
        key        TEXT PRIMARY KEY,                -- sha256 of provider, model, parameters, messages
        provider   TEXT NOT NULL,
        model      TEXT NOT NULL,
        response   TEXT NOT NULL,                   -- JSON: the provider's generation
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE llm_usage (
        run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        provider      TEXT NOT NULL,
        model         TEXT NOT NULL,
        requests      INTEGER NOT NULL DEFAULT 0,   -- HTTP/API calls made, retries included
        retries       INTEGER NOT NULL DEFAULT 0,
        cache_hits    INTEGER NOT NULL DEFAULT 0,
        errors        INTEGER NOT NULL DEFAULT 0,   -- generations that ended in an error status
        input_tokens  INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cost          REAL,                         -- NULL when the provider has no pricing
        PRIMARY KEY (run_id, provider, model)
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
