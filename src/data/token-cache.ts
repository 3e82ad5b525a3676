// A binary cache of a corpus's token ids, keyed by a hash of the corpus content and the
// tokenizer, so tokenizing a large corpus with a BPE happens once. A cache file that is truncated,
// corrupt or written for other content is detected (magic, header, size, payload checksum) and
// rebuilt, never used.
//
// Layout (little-endian):  "FTHMTOK1"  u32 headerBytes  header JSON (space-padded to 4 bytes)
//                          int32 ids[count]
// header: { key, count, vocabSize, payloadSha256 }
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { warn } from '../log/index.js';
import { DataError } from './errors.js';

const MAGIC = 'FTHMTOK1';

export interface CacheHeader { key: string; count: number; vocabSize: number; payloadSha256: string }

export function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) { h.update(p); h.update('\u0000'); }
  return h.digest('hex');
}

export function cachePath(cacheDir: string, key: string): string {
  return join(cacheDir, `${key.slice(0, 32)}.tokens`);
}

function payloadBytes(ids: Int32Array): Uint8Array {
  return new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
}

/** Writes ids atomically (temp file, then rename). Int32 on a little-endian host, as every Node target is. */
export function writeTokenCache(path: string, key: string, ids: Int32Array, vocabSize: number): void {
  const header: CacheHeader = { key, count: ids.length, vocabSize, payloadSha256: sha256(payloadBytes(ids)) };
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - ((MAGIC.length + 4 + Buffer.byteLength(json)) % 4)) % 4);
  const head = Buffer.alloc(MAGIC.length + 4);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(Buffer.byteLength(json), MAGIC.length);
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, Buffer.concat([head, Buffer.from(json), payloadBytes(ids)]));
  renameSync(tmp, path);
}

export type CacheRead = { ok: true; ids: Int32Array; header: CacheHeader } | { ok: false; reason: string };

/** Reads and verifies a cache file against the expected key. */
export function readTokenCache(path: string, key: string): CacheRead {
  if (!existsSync(path)) return { ok: false, reason: 'missing' };
  const buf = readFileSync(path);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return { ok: false, reason: 'bad magic bytes' };
  const headerBytes = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + headerBytes;
  if (start > buf.length) return { ok: false, reason: 'truncated header' };
  let header: CacheHeader;
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, start)) as CacheHeader;
  } catch {
    return { ok: false, reason: 'unreadable header' };
  }
  if (header.key !== key) return { ok: false, reason: 'written for other content or another tokenizer' };
  if (!Number.isSafeInteger(header.count) || buf.length !== start + header.count * 4) {
    return { ok: false, reason: `size ${buf.length} bytes, expected ${start + header.count * 4} (truncated or padded)` };
  }
  const ids = new Int32Array(header.count);
  new Uint8Array(ids.buffer).set(buf.subarray(start));
  if (sha256(payloadBytes(ids)) !== header.payloadSha256) return { ok: false, reason: 'payload checksum mismatch (corrupt)' };
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! < 0 || ids[i]! >= header.vocabSize) return { ok: false, reason: `id ${ids[i]} at ${i} outside the vocabulary` };
  }
  return { ok: true, ids, header };
}

/** The cached ids for `key`, or `build()`'s, written to the cache. A bad cache file is reported and rebuilt. */
export function cachedTokens(cacheDir: string | undefined, key: string, vocabSize: number, build: () => Int32Array): { ids: Int32Array; cache: 'hit' | 'miss' | 'rebuilt' | 'off'; path?: string } {
  if (cacheDir === undefined) return { ids: build(), cache: 'off' };
  if (existsSync(cacheDir) && !statSync(cacheDir).isDirectory()) {
    throw new DataError(`token cache: ${cacheDir} is not a directory`, 'pass a directory as cacheDir');
  }
  const path = cachePath(cacheDir, key);
  const read = readTokenCache(path, key);
  if (read.ok) return { ids: read.ids, cache: 'hit', path };
  if (read.reason !== 'missing') warn(`token cache ${path} is unusable (${read.reason}); rebuilding it`);
  const ids = build();
  writeTokenCache(path, key, ids, vocabSize);
  return { ids, cache: read.reason === 'missing' ? 'miss' : 'rebuilt', path };
}
