// Provider instances by name, each behind one request layer (so a concurrency limit holds across
// every use of that provider in a run), sharing one cache and one usage ledger. Instances come
// from a providers mapping (a providers file, or the `providers` section of an eval config) or are
// the built-ins `openai` and `anthropic` configured from the environment. Providers are created on
// first use, so a missing API key only matters for a provider that is actually used.
import { ConfigError, UsageError, didYouMean } from '../errors.js';
import { parseConfig, readConfigFile } from '../config/index.js';
import type { Store } from '../store/index.js';
import { RequestCache, UsageLedger } from './cache.js';
import { LlmClient } from './client.js';
import type { Sleep } from './limits.js';
import { instanceSchema, providerType, requestOptionsShape, type RequestOptions } from './registry.js';
import type { Provider } from './types.js';
import { z } from 'zod';

/** Instances available without configuration. */
const BUILTIN: Record<string, Record<string, unknown>> = {
  openai: { type: 'openai' },
  anthropic: { type: 'anthropic' },
  gguf: { type: 'gguf' },
  fathom: { type: 'fathom' },
};

const requestOptionsSchema = z.strictObject(requestOptionsShape);

/** `provider:model`; the model may itself contain colons (`ollama:llama3:8b`). */
export function parseModelSpec(spec: string, flag = 'model'): { provider: string; model: string } {
  const i = spec.indexOf(':');
  if (i <= 0 || i === spec.length - 1) {
    throw new UsageError(`${flag} "${spec}" is not provider:model`, `write e.g. openai:gpt-4o-mini, or local:qwen2.5-7b with "local" defined in the providers file`);
  }
  return { provider: spec.slice(0, i), model: spec.slice(i + 1) };
}

/** Reads `{providers: {name: {type, ...}}}` (or a bare mapping of names) from a JSON/YAML file. */
export function readProvidersFile(path: string): Record<string, unknown> {
  const raw = readConfigFile(path);
  const map = (raw as { providers?: unknown } | null)?.providers ?? raw;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new ConfigError(`providers file ${path}: expected a mapping of provider names to {type, ...}`, 'write e.g. providers: {local: {type: openai, baseUrl: "http://127.0.0.1:8000/v1"}}');
  }
  return map as Record<string, unknown>;
}

export interface PoolOptions {
  store?: Store;
  /** Named provider instances: `{name: {type, ...options}}`. */
  providers?: Record<string, unknown>;
  /** Overrides of the request options for every instance (e.g. from CLI flags). */
  requestOverrides?: Partial<RequestOptions>;
  sleep?: Sleep;
  random?: () => number;
}

export class LlmPool {
  readonly ledger = new UsageLedger();
  readonly cache: RequestCache | undefined;
  private readonly clients = new Map<string, LlmClient>();
  private readonly configs: Record<string, unknown>;

  constructor(private readonly options: PoolOptions = {}) {
    this.cache = options.store ? new RequestCache(options.store) : undefined;
    this.configs = { ...BUILTIN, ...(options.providers ?? {}) };
  }

  names(): string[] {
    return [...new Set([...Object.keys(this.configs), ...this.clients.keys()])];
  }

  /** Adds a provider made in code (a scripted function, an in-process model). */
  add(provider: Provider, options: Partial<RequestOptions> = {}): LlmClient {
    if (this.clients.has(provider.name)) throw new UsageError(`llm pool: provider "${provider.name}" is added twice`, 'give each provider its own name');
    const client = this.makeClient(provider, parseConfig(requestOptionsSchema, { ...options, ...this.options.requestOverrides }, `provider ${provider.name}`));
    this.clients.set(provider.name, client);
    return client;
  }

  client(name: string): LlmClient {
    const existing = this.clients.get(name);
    if (existing) return existing;
    const raw = this.configs[name];
    if (raw === undefined) {
      const names = this.names();
      const guess = didYouMean(name, names);
      throw new UsageError(`no provider named "${name}" (known: ${names.join(', ')})`, guess ? `did you mean "${guess}"?` : 'define it in a providers file (--providers) with its type, e.g. {type: openai, baseUrl: ...}');
    }
    const where = `providers.${name}`;
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') throw new ConfigError(`${where}: missing "type"`, 'give a type: openai, anthropic, gguf, replay or scripted');
    const t = providerType(type, where);
    const parsed = parseConfig(instanceSchema(t), { ...(raw as object), ...this.options.requestOverrides }, where) as Record<string, unknown>;
    const requestOptions: Record<string, unknown> = {};
    const providerOptions: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (k === 'type') continue;
      if (k in requestOptionsShape) requestOptions[k] = v;
      else providerOptions[k] = v;
    }
    const client = this.makeClient(t.create(name, providerOptions), requestOptions as RequestOptions);
    this.clients.set(name, client);
    return client;
  }

  private makeClient(provider: Provider, options: RequestOptions): LlmClient {
    return new LlmClient(provider, options, {
      cache: this.cache,
      ledger: this.ledger,
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
    });
  }
}
