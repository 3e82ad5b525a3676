// The content-addressed request cache and per-run usage ledger, both in the run store (schema
// version 2). The key is the sha256 of provider, model, every generation parameter and the
// messages, in a canonical JSON form, so a changed temperature or stop list is a different entry.
// Only successful generations are written: an error is never replayed from the cache.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Store } from '../store/index.js';
import type { GenerateRequest, Generation } from './types.js';

/** JSON with object keys sorted and undefined fields dropped: equal requests, equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function cacheKey(provider: string, request: GenerateRequest): string {
  return createHash('sha256')
    .update(canonicalJson({ v: 1, provider, model: request.model, params: request.params ?? {}, messages: request.messages, prompt: request.prompt }))
    .digest('hex');
}

/**
 * Entries are written in batches: a put is visible to `get` at once and reaches SQLite on the
 * next `flush` — called by the eval writer inside the transaction that stores the items those
 * responses belong to, and otherwise within `flushMs` (or at `maxPending` entries) — so the hot
 * path pays no SQLite commit per response. A process killed before a flush loses those entries,
 * as it loses the items they belong to, and asks for them again.
 */
export class RequestCache {
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly pending = new Map<string, { provider: string; model: string; generation: Generation }>();
  private readonly writeAll: () => void;
  private timer: NodeJS.Timeout | undefined;

  private readonly db: Database.Database;

  constructor(store: Store, private readonly options: { flushMs?: number; maxPending?: number } = {}) {
    this.db = store.db;
    this.select = store.db.prepare('SELECT response FROM llm_cache WHERE key = ?').pluck();
    this.insert = store.db.prepare('INSERT OR REPLACE INTO llm_cache (key, provider, model, response, created_at) VALUES (?, ?, ?, ?, ?)');
    this.writeAll = store.db.transaction(() => {
      const t = new Date().toISOString();
      for (const [key, e] of this.pending) this.insert.run(key, e.provider, e.model, JSON.stringify(e.generation), t);
      this.pending.clear();
    });
  }

  get(key: string): Generation | undefined {
    const waiting = this.pending.get(key);
    if (waiting) return waiting.generation;
    const text = this.select.get(key) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as Generation);
  }

  put(key: string, provider: string, model: string, generation: Generation): void {
    this.pending.set(key, { provider, model, generation });
    if (this.pending.size >= (this.options.maxPending ?? 256)) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushMs ?? 50);
      this.timer.unref();
    }
  }

  /** Writes the pending entries (inside the caller's transaction, if there is one). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    // A store closed by its owner takes the unwritten entries with it (they are only a cache).
    if (!this.db.open) this.pending.clear();
    else this.writeAll();
  }
}

export interface UsageCounters {
  requests: number;
  retries: number;
  cacheHits: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** USD; null when the provider has no pricing. */
  cost: number | null;
}

export const zeroUsage = (priced: boolean): UsageCounters => ({ requests: 0, retries: 0, cacheHits: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: priced ? 0 : null });

/**
 * Token, request and cost accounting per provider and model. Counts accumulate in memory (the hot
 * path never touches SQLite for them) and `flush` adds the unflushed part to a run's rows; call it
 * inside the transaction that stores the items those requests produced.
 */
export class UsageLedger {
  private readonly totals = new Map<string, UsageCounters & { provider: string; model: string }>();
  private readonly pending = new Map<string, UsageCounters & { provider: string; model: string }>();

  add(provider: string, model: string, priced: boolean, delta: Partial<UsageCounters>): void {
    for (const map of [this.totals, this.pending]) {
      const key = `${provider}\u0000${model}`;
      let row = map.get(key);
      if (!row) map.set(key, (row = { provider, model, ...zeroUsage(priced) }));
      row.requests += delta.requests ?? 0;
      row.retries += delta.retries ?? 0;
      row.cacheHits += delta.cacheHits ?? 0;
      row.errors += delta.errors ?? 0;
      row.inputTokens += delta.inputTokens ?? 0;
      row.outputTokens += delta.outputTokens ?? 0;
      if (row.cost !== null) row.cost += delta.cost ?? 0;
    }
  }

  /** Totals since this ledger was made, per provider and model. */
  summary(): (UsageCounters & { provider: string; model: string })[] {
    return [...this.totals.values()].map((r) => ({ ...r }));
  }

  flush(store: Store, runId: string): void {
    if (this.pending.size === 0) return;
    const upsert = store.db.prepare(
      `INSERT INTO llm_usage (run_id, provider, model, requests, retries, cache_hits, errors, input_tokens, output_tokens, cost)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, provider, model) DO UPDATE SET
         requests = requests + excluded.requests, retries = retries + excluded.retries, cache_hits = cache_hits + excluded.cache_hits,
         errors = errors + excluded.errors, input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens,
         cost = CASE WHEN excluded.cost IS NULL THEN cost ELSE coalesce(cost, 0) + excluded.cost END`,
    );
    for (const r of this.pending.values()) {
      upsert.run(runId, r.provider, r.model, r.requests, r.retries, r.cacheHits, r.errors, r.inputTokens, r.outputTokens, r.cost);
    }
    this.pending.clear();
  }
}

/** A run's stored usage rows. */
export function runUsage(store: Store, runId: string): (UsageCounters & { provider: string; model: string })[] {
  const rows = store.db.prepare('SELECT * FROM llm_usage WHERE run_id = ? ORDER BY provider, model').all(runId) as {
    provider: string; model: string; requests: number; retries: number; cache_hits: number; errors: number;
    input_tokens: number; output_tokens: number; cost: number | null;
  }[];
  return rows.map((r) => ({
    provider: r.provider, model: r.model, requests: r.requests, retries: r.retries, cacheHits: r.cache_hits, errors: r.errors,
    inputTokens: r.input_tokens, outputTokens: r.output_tokens, cost: r.cost,
  }));
}
