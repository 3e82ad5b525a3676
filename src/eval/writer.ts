// Batched item writes: stage updates collect in memory and are written in one transaction every
// `maxMs` or `maxItems`, together with the request accounting and the request-cache entries of
// those responses, so the hot path does not pay one SQLite commit per stage or per response.
// Each write replaces an item's stages whole (no JSON merge-patch, which would drop null fields).
// A process killed between flushes loses at most the last batch — its items and their cache
// entries together — so a finished item is never requested again.
import type Database from 'better-sqlite3';
import type { RequestCache, UsageLedger } from '../llm/index.js';
import type { Store } from '../store/index.js';
import type { Stages } from './types.js';

export class ItemWriter {
  private readonly pending = new Map<string, { stages: Stages; status: string }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly upsert: Database.Statement;
  private readonly touch: Database.Statement;
  private readonly flushAll: () => void;

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly ledger: UsageLedger | undefined,
    private readonly options: { maxItems?: number; maxMs?: number } = {},
    private readonly caches: readonly RequestCache[] = [],
  ) {
    this.upsert = store.db.prepare(
      `INSERT INTO eval_items (run_id, item_id, stages, status, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, item_id) DO UPDATE SET stages = excluded.stages, status = excluded.status, updated_at = excluded.updated_at`,
    );
    this.touch = store.db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?');
    this.flushAll = store.db.transaction(() => {
      const t = new Date().toISOString();
      for (const c of this.caches) c.flush();
      for (const [id, { stages, status }] of this.pending) this.upsert.run(this.runId, id, JSON.stringify(stages), status, t);
      this.pending.clear();
      this.ledger?.flush(this.store, this.runId);
      this.touch.run(t, this.runId);
    });
  }

  put(itemId: string, stages: Stages, status: string): void {
    this.pending.set(itemId, { stages, status });
    if (this.pending.size >= (this.options.maxItems ?? 256)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.maxMs ?? 50);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushAll();
  }
}
