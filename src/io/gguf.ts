// GGUF (ggml's model file, version 3; ggml/docs/gguf.md): the magic "GGUF", a version, tensor and
// metadata counts, typed key/value metadata, tensor infos (name, dims innermost first, ggml type,
// offset), then tensor data aligned to `general.alignment` (32). The writer emits what llama.cpp
// reads for a Llama model; the reader parses headers with every length checked against the bytes
// that remain, so a corrupt or hostile file is a FathomError and never a huge allocation.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { FathomError } from '../errors.js';
import { floatToHalf } from './safetensors.js';

export const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
export const GGUF_VERSION = 3;
const ALIGNMENT = 32;

/** Metadata value types (gguf_type). */
export const GgufType = { UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10, INT64: 11, FLOAT64: 12 } as const;
const SCALAR_WIDTH: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** ggml tensor types fathom writes and can size (F32, F16). */
export const GgmlType = { F32: 0, F16: 1 } as const;
const GGML_WIDTH: Record<number, number> = { 0: 4, 1: 2 };

export type GgufValue =
  | { type: 'u32' | 'i32' | 'f32' | 'u64' | 'bool' | 'string'; value: number | boolean | string }
  | { type: 'array'; of: 'string' | 'i32' | 'f32'; value: ReadonlyArray<string | number> };

export interface GgufTensor {
  name: string;
  /** Shape in PyTorch order ([rows, cols]); written innermost first as ggml does. */
  shape: readonly number[];
  data: Float32Array;
  type: 'F32' | 'F16';
}

// ---------------------------------------------------------------------------------------------
// Writing

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(to: number): void {
    const n = (to - (this.length % to)) % to;
    if (n) this.push(Buffer.alloc(n));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  const scalar = (type: string, x: number | boolean | string): void => {
    if (type === 'u32') w.u32(x as number);
    else if (type === 'i32') w.i32(x as number);
    else if (type === 'f32') w.f32(x as number);
    else if (type === 'u64') w.u64(x as number);
    else if (type === 'bool') w.push(Buffer.from([x ? 1 : 0]));
    else w.str(x as string);
  };
  const code = { u32: GgufType.UINT32, i32: GgufType.INT32, f32: GgufType.FLOAT32, u64: GgufType.UINT64, bool: GgufType.BOOL, string: GgufType.STRING };
  if (v.type === 'array') {
    w.u32(GgufType.ARRAY);
    w.u32(code[v.of]);
    w.u64(v.value.length);
    for (const x of v.value) scalar(v.of, x);
  } else {
    w.u32(code[v.type]);
    scalar(v.type, v.value);
  }
}

/** Writes a GGUF v3 file: metadata in the given order, tensors aligned to 32 bytes. */
export function writeGguf(path: string, metadata: ReadonlyArray<readonly [string, GgufValue]>, tensors: readonly GgufTensor[]): void {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.length + 1);
  w.str('general.alignment');
  writeValue(w, { type: 'u32', value: ALIGNMENT });
  for (const [k, v] of metadata) {
    w.str(k);
    writeValue(w, v);
  }
  let offset = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new FathomError(`gguf: tensor '${t.name}' has shape [${t.shape.join(',')}] but ${t.data.length} values`, 'pass data of the declared shape');
    w.str(t.name);
    w.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) w.u64(d); // ggml's ne[0] is the innermost (contiguous) dimension
    w.u32(GgmlType[t.type]);
    w.u64(offset);
    const size = n * GGML_WIDTH[GgmlType[t.type]]!;
    sizes.push(size);
    offset += size + ((ALIGNMENT - (size % ALIGNMENT)) % ALIGNMENT);
  }
  w.pad(ALIGNMENT);
  const fd = openSync(path, 'w');
  try {
    const put = (b: Buffer): void => {
      let o = 0;
      while (o < b.length) o += writeSync(fd, b, o, b.length - o);
    };
    put(w.bytes());
    tensors.forEach((t, i) => {
      if (t.type === 'F32') put(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      else put(Buffer.from(Uint16Array.from(t.data, floatToHalf).buffer));
      const pad = (ALIGNMENT - (sizes[i]! % ALIGNMENT)) % ALIGNMENT;
      if (pad) put(Buffer.alloc(pad));
    });
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading (headers)

export interface GgufTensorInfo {
  name: string;
  /** ggml order: innermost dimension first. */
  dims: number[];
  type: number;
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, unknown>;
  tensors: GgufTensorInfo[];
  /** Byte offset of the data section. */
  dataStart: number;
}

/** Parses a GGUF header (metadata and tensor infos) from bytes, checking every length and offset. */
export function parseGgufHeader(bytes: Uint8Array, source = 'gguf', fileSize = bytes.length): GgufHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): FathomError => new FathomError(`${source}: not a valid GGUF file: ${why}`, 'pass a .gguf file written by fathom export or llama.cpp\'s converters; a truncated file means the copy was interrupted');
  let pos = 0;
  const need = (n: number, what: string): void => {
    if (n > b.length - pos) throw bad(`${what} needs ${n} bytes at offset ${pos} but the file has ${b.length - pos} left (truncated, or a lying length)`);
  };
  const u32 = (what: string): number => { need(4, what); const v = b.readUInt32LE(pos); pos += 4; return v; };
  const u64 = (what: string): number => {
    need(8, what);
    const v = b.readBigUInt64LE(pos);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${what} is ${v}, beyond any real file`);
    return Number(v);
  };
  const str = (what: string): string => {
    const n = u64(`${what} length`);
    need(n, what);
    const s = b.toString('utf8', pos, pos + n);
    pos += n;
    return s;
  };
  const scalar = (type: number, what: string): unknown => {
    if (type === GgufType.STRING) return str(what);
    const width = SCALAR_WIDTH[type];
    if (width === undefined) throw bad(`${what} has unknown value type ${type}`);
    need(width, what);
    const at = pos;
    pos += width;
    switch (type) {
      case GgufType.UINT8: return b.readUInt8(at);
      case GgufType.INT8: return b.readInt8(at);
      case GgufType.UINT16: return b.readUInt16LE(at);
      case GgufType.INT16: return b.readInt16LE(at);
      case GgufType.UINT32: return b.readUInt32LE(at);
      case GgufType.INT32: return b.readInt32LE(at);
      case GgufType.FLOAT32: return b.readFloatLE(at);
      case GgufType.BOOL: return b.readUInt8(at) !== 0;
      case GgufType.UINT64: return Number(b.readBigUInt64LE(at));
      case GgufType.INT64: return Number(b.readBigInt64LE(at));
      default: return b.readDoubleLE(at);
    }
  };
  if (u32('magic') !== GGUF_MAGIC) throw bad('it does not start with the magic "GGUF"');
  const version = u32('version');
  if (version !== 2 && version !== 3) throw bad(`version ${version} is not 2 or 3`);
  const tensorCount = u64('tensor count');
  const kvCount = u64('metadata count');
  // Every entry takes at least 8 (key length) + 4 (type) + 1 bytes; every tensor info 8 + 4 + 4 + 8.
  if (kvCount * 13 > b.length - pos) throw bad(`declares ${kvCount} metadata entries, more than ${b.length - pos} bytes can hold`);
  if (tensorCount * 24 > b.length - pos) throw bad(`declares ${tensorCount} tensors, more than ${b.length - pos} bytes can hold`);
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < kvCount; i++) {
    const key = str(`metadata key ${i}`);
    const type = u32(`type of '${key}'`);
    if (type === GgufType.ARRAY) {
      const of = u32(`element type of '${key}'`);
      const n = u64(`length of '${key}'`);
      const min = of === GgufType.STRING ? 8 : SCALAR_WIDTH[of];
      if (min === undefined) throw bad(`'${key}' is an array of unknown type ${of}`);
      if (n * min > b.length - pos) throw bad(`'${key}' declares ${n} elements, more than the ${b.length - pos} remaining bytes can hold`);
      const values: unknown[] = [];
      for (let j = 0; j < n; j++) values.push(scalar(of, `'${key}'[${j}]`));
      metadata.set(key, values);
    } else metadata.set(key, scalar(type, `'${key}'`));
  }
  const alignment = metadata.get('general.alignment') ?? ALIGNMENT;
  if (typeof alignment !== 'number' || alignment <= 0 || (alignment & (alignment - 1)) !== 0) throw bad(`general.alignment ${String(alignment)} is not a power of two`);
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = str(`tensor ${i} name`);
    const nd = u32(`dimension count of '${name}'`);
    if (nd < 1 || nd > 4) throw bad(`tensor '${name}' has ${nd} dimensions (ggml allows 1 to 4)`);
    const dims = Array.from({ length: nd }, (_, j) => u64(`dimension ${j} of '${name}'`));
    const type = u32(`type of '${name}'`);
    const offset = u64(`offset of '${name}'`);
    if (offset % alignment !== 0) throw bad(`tensor '${name}' offset ${offset} is not a multiple of the alignment ${alignment}`);
    tensors.push({ name, dims, type, offset });
  }
  const dataStart = pos + ((alignment - (pos % alignment)) % alignment);
  const dataSize = fileSize - dataStart;
  if (dataSize < 0) throw bad(`the header ends at byte ${dataStart}, past the end of the file (${fileSize} bytes)`);
  for (const t of tensors) {
    const width = GGML_WIDTH[t.type];
    if (width === undefined) continue; // quantized types: sized by block, not checked here
    let size = width;
    for (const d of t.dims) {
      size *= d;
      if (size > dataSize) break;
    }
    if (t.dims.includes(0)) size = 0;
    if (t.offset + size > dataSize) throw bad(`tensor '${t.name}' [${t.dims.join(',')}] at offset ${t.offset} runs past the ${dataSize}-byte data section (truncated file or lying sizes)`);
  }
  return { version, metadata, tensors, dataStart };
}

/** Reads only the header of a GGUF file (at most `limit` bytes: metadata can hold a vocabulary). */
export function readGgufHeader(path: string, limit = 64 << 20): GgufHeader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FathomError(`gguf: cannot open ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path');
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, limit));
    readSync(fd, head, 0, head.length, 0);
    return parseGgufHeader(head, path, size);
  } finally {
    closeSync(fd);
  }
}
