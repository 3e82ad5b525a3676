// Typed configs: zod schemas with commented defaults, read from JSON or YAML files, overridden by
// `--set key.path=value`, validated strictly at the boundary. Unknown keys are errors that list
// the valid keys and suggest the closest one (CONVENTIONS.md 11).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ConfigError, didYouMean } from '../errors.js';

/** Any zod schema; configs are `z.strictObject`s whose fields carry `.default()` and `.describe()`. */
export type Schema = z.ZodType;

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  defaultValue?: unknown;
}

const def = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['default', 'optional', 'nullable', 'prefault', 'readonly', 'nonoptional', 'catch']);

/** The field schemas of an object schema, looking through default/optional wrappers. */
export function objectShape(schema: Schema): Record<string, Schema> | undefined {
  let s: Schema | undefined = schema;
  while (s) {
    const d = def(s);
    if (d.type === 'object') return d.shape;
    s = WRAPPERS.has(d.type) ? d.innerType : undefined;
  }
  return undefined;
}

const showPath = (path: readonly PropertyKey[]): string => (path.length ? path.map(String).join('.') : '(top level)');

function unknownKeyMessage(source: string, key: string, path: readonly PropertyKey[], valid: readonly string[]): ConfigError {
  const where = path.length ? ` under "${path.map(String).join('.')}"` : '';
  const guess = didYouMean(key, valid);
  return new ConfigError(
    `${source}: unknown key "${key}"${where} (valid keys: ${valid.join(', ') || 'none'})`,
    guess ? `did you mean "${guess}"?` : `remove it, or use one of the valid keys`,
  );
}

function shapeAt(schema: Schema, path: readonly PropertyKey[]): Record<string, Schema> | undefined {
  let s: Schema | undefined = schema;
  for (const key of path) {
    const shape: Record<string, Schema> | undefined = s ? objectShape(s) : undefined;
    s = shape?.[String(key)];
  }
  return s ? objectShape(s) : undefined;
}

/** Validates `raw` against `schema`, filling defaults; throws a one-line ConfigError on the first problem. */
export function parseConfig<S extends Schema>(schema: S, raw: unknown, source = 'config'): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const valid = Object.keys(shapeAt(schema, issue.path) ?? {});
    throw unknownKeyMessage(source, issue.keys[0]!, issue.path, valid);
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  throw new ConfigError(
    `${source}: ${showPath(issue.path)}: ${message}`,
    `fix the value of "${showPath(issue.path)}" (see \`--help\` for each key's meaning and default)`,
  );
}

/** Reads a JSON or YAML config file (by extension; .yaml/.yml/.json). */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${path}: cannot be read (${code ?? String(err)})`, 'check the path passed to --config');
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new ConfigError(`config file ${path}: malformed JSON (${(err as Error).message})`, 'check for trailing commas and unquoted keys');
    }
  }
  if (ext !== '.yaml' && ext !== '.yml') {
    throw new ConfigError(`config file ${path}: unknown format "${ext || '(no extension)'}"`, 'name it .json, .yaml or .yml');
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`config file ${path}: malformed YAML${at}: ${reason}`, 'check the indentation and quoting near that line');
  }
  return doc.toJS() as unknown;
}

/** Parses a `--set` value as a YAML scalar or flow collection: `3`, `1e-3`, `true`, `[1,2]`, `adam`. */
function parseSetValue(text: string): unknown {
  try {
    return YAML.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Applies `--set key.path=value` overrides to a raw config object, checking each path against
 * the schema so a typo fails with the valid keys instead of being ignored.
 */
export function applySets(schema: Schema, raw: unknown, sets: readonly string[]): Record<string, unknown> {
  const root: Record<string, unknown> = isPlainObject(raw) ? structuredClone(raw) : {};
  for (const assignment of sets) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(`--set ${assignment}: expected key.path=value`, 'write e.g. --set optim.lr=3e-4');
    }
    const path = assignment.slice(0, eq).trim().split('.');
    let shape = objectShape(schema);
    let target = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      if (!shape || !(key in shape)) {
        const valid = Object.keys(shape ?? {});
        const parent = path.slice(0, i);
        if (!shape) {
          throw new ConfigError(
            `--set ${assignment}: "${parent.join('.')}" is a value, not a section, so it has no key "${key}"`,
            `set "${parent.join('.')}" itself`,
          );
        }
        throw unknownKeyMessage(`--set ${assignment}`, key, parent, valid);
      }
      if (i === path.length - 1) {
        target[key] = parseSetValue(assignment.slice(eq + 1));
      } else {
        if (!isPlainObject(target[key])) target[key] = {};
        target = target[key] as Record<string, unknown>;
        shape = objectShape(shape[key]!);
      }
    }
  }
  return root;
}

/** Loads a config: the file (if any), then the overrides, then strict validation with defaults. */
export function loadConfig<S extends Schema>(schema: S, options: { file?: string | undefined; sets?: readonly string[] } = {}): z.output<S> {
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const source = options.file ?? 'config';
  if (!isPlainObject(fromFile) && fromFile !== null) {
    throw new ConfigError(`config file ${source}: the top level must be a mapping of keys to values`, 'write `key: value` lines');
  }
  return parseConfig(schema, applySets(schema, fromFile ?? {}, options.sets ?? []), source);
}

/** The config's defaults as commented YAML: the starting point users copy and edit. */
export function configTemplate(schema: Schema, indent = ''): string {
  const shape = objectShape(schema) ?? {};
  const lines: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const description = (field as { description?: string }).description;
    if (description) lines.push(`${indent}# ${description}`);
    if (objectShape(field)) {
      lines.push(`${indent}${key}:`, configTemplate(field, `${indent}  `));
    } else {
      // A key without a default stays unset: shown commented out, so the file parses back to the
      // defaults (YAML's `~` would be null, which an optional key rejects).
      const value = defaultOf(field);
      lines.push(value === undefined ? `${indent}# ${key}:` : `${indent}${key}: ${YAML.stringify(value, { flow: true }).trim()}`);
    }
  }
  return lines.join('\n');
}

function defaultOf(schema: Schema): unknown {
  let s: Schema | undefined = schema;
  while (s) {
    const d = def(s);
    if (d.type === 'default' || d.type === 'prefault') {
      return typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
    }
    s = WRAPPERS.has(d.type) ? d.innerType : undefined;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
