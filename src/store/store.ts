// The run store: one SQLite file per workspace (WAL mode, foreign keys, schema migrations) plus an
// artifacts/ folder. Every write is a transaction, so a process killed at any instant leaves a
// consistent file; runs whose process died are marked `interrupted` the next time a store opens.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, platform } from 'node:os';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface RunRecord {
  id: string;
  kind: string;
  name: string;
  config: unknown;
  status: RunStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  host: { hostname: string; platform: string; cpus: number; node: string };
  pid: number | null;
  fathomVersion: string;
}

export interface MetricRecord {
  step: number;
  name: string;
  value: number;
  time: number;
}

export interface ItemRecord {
  itemId: string;
  stages: Record<string, unknown>;
  status: string;
  updatedAt: string;
}

export interface ArtifactRecord {
  path: string;
  sha256: string;
  kind: string;
  bytes: number;
  createdAt: string;
}

interface RunRow {
  id: string; kind: string; name: string; config: string; status: RunStatus; error: string | null;
  created_at: string; updated_at: string; finished_at: string | null; host: string; pid: number | null;
  fathom_version: string;
}

/** The workspace folder: `--workspace`, else `$FATHOM_HOME`, else `./.fathom`. */
export function resolveWorkspace(explicit?: string): string {
  return resolve(explicit ?? process.env.FATHOM_HOME ?? '.fathom');
}

const now = (): string => new Date().toISOString();

/** A sortable, readable run id: `20261128-131500-3f9a`. */
function newRunId(): string {
  const t = now().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(2).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Store {
  readonly workspace: string;
  readonly dbPath: string;
  readonly artifactsDir: string;
  readonly db: Database.Database;

  /** Opens (creating if needed) the store in `workspace`, migrates it and recovers dead runs. */
  constructor(workspace: string) {
    this.workspace = workspace;
    this.dbPath = join(workspace, 'fathom.db');
    this.artifactsDir = join(workspace, 'artifacts');
    try {
      mkdirSync(this.artifactsDir, { recursive: true });
    } catch (err) {
      throw new StoreError(
        `store: cannot create workspace ${workspace} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        'pass a writable folder with --workspace or FATHOM_HOME',
      );
    }
    try {
      this.db = new Database(this.dbPath);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('synchronous = NORMAL');
    } catch (err) {
      throw new StoreError(
        `store: ${this.dbPath} is not a readable fathom store (${(err as Error).message})`,
        'move the file aside, or point --workspace at another folder',
      );
    }
    this.migrate();
    this.recoverInterrupted();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const current = this.schemaVersion;
    if (current > SCHEMA_VERSION) {
      throw new StoreError(
        `store: ${this.dbPath} has schema version ${current}, newer than this fathom's ${SCHEMA_VERSION}`,
        'upgrade fathom, or use another --workspace',
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.pragma(`user_version = ${m.version}`);
      }).immediate();
    }
  }

  /** Runs left `running` by a process on this host that no longer exists become `interrupted`. */
  recoverInterrupted(): number {
    const rows = this.db.prepare(`SELECT id, pid, host FROM runs WHERE status = 'running'`).all() as { id: string; pid: number | null; host: string }[];
    const here = hostname();
    const dead = rows.filter((r) => {
      const host = JSON.parse(r.host) as { hostname?: string };
      return host.hostname === here && r.pid !== null && !pidAlive(r.pid);
    });
    const mark = this.db.prepare(`UPDATE runs SET status = 'interrupted', updated_at = ?, error = ? WHERE id = ? AND status = 'running'`);
    this.db.transaction(() => {
      for (const r of dead) mark.run(now(), `process ${r.pid} ended without finishing the run`, r.id);
    })();
    return dead.length;
  }

  /** Starts a run owned by this process. */
  createRun(options: { kind: string; name?: string; config?: unknown }): Run {
    const id = newRunId();
    const t = now();
    this.db.prepare(
      `INSERT INTO runs (id, kind, name, config, status, created_at, updated_at, host, pid, fathom_version)
       VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
    ).run(
      id, options.kind, options.name ?? options.kind, JSON.stringify(options.config ?? {}), t, t,
      JSON.stringify({ hostname: hostname(), platform: platform(), cpus: cpus().length, node: process.version }),
      process.pid, VERSION,
    );
    return new Run(this, id);
  }

  /**
   * Continues a stored run in this process (a resumed training or evaluation): the run is marked
   * `running` again under this pid, its error and finish time cleared, and its rows kept, so one
   * run keeps one history.
   */
  reopenRun(id: string): Run {
    const run = this.getRun(id);
    this.db.prepare(`UPDATE runs SET status = 'running', error = NULL, finished_at = NULL, pid = ?, updated_at = ? WHERE id = ?`)
      .run(process.pid, now(), run.id);
    return new Run(this, run.id);
  }

  /** Runs, newest first. */
  listRuns(filter: { kind?: string | undefined; status?: RunStatus | undefined; limit?: number | undefined } = {}): RunRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.kind) { where.push('kind = ?'); args.push(filter.kind); }
    if (filter.status) { where.push('status = ?'); args.push(filter.status); }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? -1) as RunRow[]).map(toRecord);
  }

  /** One run by id or unique id prefix. */
  getRun(idOrPrefix: string): RunRecord {
    const rows = this.db.prepare(`SELECT * FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 3`)
      .all(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as RunRow[];
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return toRecord(exact);
    if (rows.length === 0) {
      throw new UsageError(`run "${idOrPrefix}" not found in ${this.dbPath}`, 'list runs with `fathom runs ls` (and check --workspace)');
    }
    if (rows.length > 1) {
      throw new UsageError(`run id prefix "${idOrPrefix}" is ambiguous (${rows.map((r) => r.id).join(', ')}, ...)`, 'give more characters of the id');
    }
    return toRecord(rows[0]!);
  }

  metrics(runId: string, name?: string): MetricRecord[] {
    const sql = `SELECT step, name, value, time FROM metrics WHERE run_id = ? ${name ? 'AND name = ?' : ''} ORDER BY name, step`;
    const rows = this.db.prepare(sql).all(...(name ? [runId, name] : [runId])) as { step: number; name: string; value: number | null; time: number }[];
    return rows.map((r) => ({ ...r, value: r.value ?? Number.NaN }));
  }

  items(runId: string): ItemRecord[] {
    const rows = this.db.prepare(`SELECT item_id, stages, status, updated_at FROM eval_items WHERE run_id = ? ORDER BY item_id`)
      .all(runId) as { item_id: string; stages: string; status: string; updated_at: string }[];
    return rows.map((r) => ({ itemId: r.item_id, stages: JSON.parse(r.stages) as Record<string, unknown>, status: r.status, updatedAt: r.updated_at }));
  }

  artifacts(runId: string): ArtifactRecord[] {
    const rows = this.db.prepare(`SELECT path, sha256, kind, bytes, created_at FROM artifacts WHERE run_id = ? ORDER BY path`)
      .all(runId) as { path: string; sha256: string; kind: string; bytes: number; created_at: string }[];
    return rows.map((r) => ({ path: r.path, sha256: r.sha256, kind: r.kind, bytes: r.bytes, createdAt: r.created_at }));
  }

  /** Counts per run, for listings. */
  counts(runId: string): { metrics: number; items: number; artifacts: number } {
    const one = (sql: string): number => (this.db.prepare(sql).get(runId) as { n: number }).n;
    return {
      metrics: one('SELECT count(*) AS n FROM metrics WHERE run_id = ?'),
      items: one('SELECT count(*) AS n FROM eval_items WHERE run_id = ?'),
      artifacts: one('SELECT count(*) AS n FROM artifacts WHERE run_id = ?'),
    };
  }

  /** Deletes a run, its rows (by cascade) and its artifact files. Refuses a run that is still running. */
  deleteRun(id: string, options: { force?: boolean } = {}): void {
    const run = this.getRun(id);
    if (run.status === 'running' && !options.force) {
      throw new UsageError(`run ${run.id} is still running (pid ${run.pid ?? '?'})`, 'stop it first, or pass --force');
    }
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(run.id);
    rmSync(join(this.artifactsDir, run.id), { recursive: true, force: true });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** A handle to write one run's metrics, eval items and artifacts. */
export class Run {
  private readonly insertMetric: Database.Statement;

  constructor(readonly store: Store, readonly id: string) {
    this.insertMetric = store.db.prepare(
      'INSERT INTO metrics (run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, time = excluded.time',
    );
  }

  /** Records metrics for one step in one transaction: `run.log(100, { loss: 2.3, lr: 3e-4 })`. */
  log(step: number, values: Record<string, number>): void {
    if (!Number.isInteger(step) || step < 0) {
      throw new UsageError(`run.log: step must be a non-negative integer, got ${step}`, 'count steps from 0');
    }
    const time = Date.now() / 1000;
    this.store.db.transaction(() => {
      for (const [name, value] of Object.entries(values)) {
        this.insertMetric.run(this.id, step, name, Number.isFinite(value) ? value : null, time);
      }
      this.touch();
    })();
  }

  /** Stores (merges) stage outputs of one eval item: `run.putItem('q17', { generate: {...} }, 'generated')`. */
  putItem(itemId: string, stages: Record<string, unknown>, status: string): void {
    this.store.db.transaction(() => {
      this.store.db.prepare(
        `INSERT INTO eval_items (run_id, item_id, stages, status, updated_at) VALUES (?, ?, json(?), ?, ?)
         ON CONFLICT (run_id, item_id) DO UPDATE SET stages = json_patch(stages, excluded.stages), status = excluded.status, updated_at = excluded.updated_at`,
      ).run(this.id, itemId, JSON.stringify(stages), status, now());
      this.touch();
    })();
  }

  /**
   * Writes an artifact file under `artifacts/<run>/<path>` (atomically: temp file then rename)
   * and records its size and sha256.
   */
  addArtifact(path: string, content: Buffer | string, kind: string): ArtifactRecord {
    const rel = normalize(path);
    if (isAbsolute(rel) || rel.startsWith('..') || rel.split(sep).includes('..')) {
      throw new UsageError(`artifact path "${path}" leaves the run's folder`, 'use a relative path such as "plots/loss.svg"');
    }
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const file = join(this.store.artifactsDir, this.id, rel);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    const record: ArtifactRecord = {
      path: rel, sha256: createHash('sha256').update(bytes).digest('hex'), kind, bytes: bytes.length, createdAt: now(),
    };
    this.store.db.prepare(
      `INSERT INTO artifacts (run_id, path, sha256, kind, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, path) DO UPDATE SET sha256 = excluded.sha256, kind = excluded.kind, bytes = excluded.bytes, created_at = excluded.created_at`,
    ).run(this.id, record.path, record.sha256, record.kind, record.bytes, record.createdAt);
    return record;
  }

  /** Reads an artifact back, checking its sha256 against the store. */
  readArtifact(path: string): Buffer {
    const record = this.store.artifacts(this.id).find((a) => a.path === normalize(path));
    const file = join(this.store.artifactsDir, this.id, normalize(path));
    if (!record || !existsSync(file)) {
      throw new StoreError(`artifact "${path}" of run ${this.id} not found`, 'list artifacts with `fathom runs show <id>`');
    }
    const bytes = readFileSync(file);
    if (createHash('sha256').update(bytes).digest('hex') !== record.sha256) {
      throw new StoreError(`artifact "${path}" of run ${this.id} does not match its recorded sha256 (the file changed on disk)`, 'rerun the step that wrote it');
    }
    return bytes;
  }

  /** Marks the run finished. */
  finish(status: Exclude<RunStatus, 'running'>, error?: string): void {
    const t = now();
    this.store.db.prepare('UPDATE runs SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?')
      .run(status, error ?? null, t, t, this.id);
  }

  get record(): RunRecord {
    return this.store.getRun(this.id);
  }

  private touch(): void {
    this.store.db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?').run(now(), this.id);
  }
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id, kind: r.kind, name: r.name, config: JSON.parse(r.config) as unknown, status: r.status, error: r.error,
    createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
    host: JSON.parse(r.host) as RunRecord['host'], pid: r.pid, fathomVersion: r.fathom_version,
  };
}
