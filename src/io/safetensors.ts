// safetensors (huggingface/safetensors, docs/format): an 8-byte little-endian header length N,
// N bytes of UTF-8 JSON — {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {string: string}} — then the little-endian tensor bytes, offsets relative to the byte after
// the header. The reader validates the whole header before touching any data (sizes are checked
// against the file, never allocated as declared, so a hostile or truncated file is an error and
// not an out-of-memory), then reads each tensor on demand with positional reads, so a large file
// is never loaded whole. F32, F16, BF16 and F64 are read into float32.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { FathomError } from '../errors.js';

/** A tensor in memory: row-major float32 values and their shape. */
export interface NamedTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Bytes per element of every dtype the format defines; others are rejected at open. */
const DTYPE_WIDTH: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);
export type WriteDType = 'F32' | 'F16' | 'BF16';

/** The reference implementation refuses headers over 100 MB; so does this one (before reading them). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: readonly number[];
  /** Byte range [begin, end) in the data section. */
  begin: number;
  end: number;
}

/** Where the bytes come from: an open file (positional reads) or a buffer in memory. */
interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Buffer;
  close(): void;
}

function fileSource(path: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FathomError(`safetensors: cannot open ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path to the .safetensors file');
  }
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, Math.min(length - done, 1 << 30), offset + done);
        if (n === 0) throw new FathomError(`safetensors: ${path} ended at byte ${offset + done} while reading ${length} bytes at ${offset}`, 'the file shrank while open; re-copy it');
        done += n;
      }
      return buf;
    },
    close() {
      closeSync(fd);
    },
  };
}

function bufferSource(bytes: Uint8Array): ByteSource {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { size: b.length, read: (offset, length) => b.subarray(offset, offset + length), close() {} };
}

/**
 * An open safetensors file: the validated header (names, dtypes, shapes, metadata) and lazy
 * reads of single tensors. Close it when done (or use `readSafetensors` for small files).
 */
export class SafetensorsReader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly dataStart: number;
  private closed = false;

  private constructor(private readonly source: ByteSource, readonly name: string) {
    try {
      const parsed = parseHeader(source, name);
      this.tensors = parsed.tensors;
      this.metadata = parsed.metadata;
      this.dataStart = parsed.dataStart;
    } catch (err) {
      source.close();
      throw err;
    }
  }

  static open(path: string): SafetensorsReader {
    return new SafetensorsReader(fileSource(path), path);
  }

  static fromBytes(bytes: Uint8Array, name = 'safetensors bytes'): SafetensorsReader {
    return new SafetensorsReader(bufferSource(bytes), name);
  }

  /** Tensor names in data order. */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) {
      const some = this.names().slice(0, 6).join(', ');
      throw new FathomError(`${this.name}: no tensor named '${name}' (it has ${this.tensors.size}: ${some}${this.tensors.size > 6 ? ', …' : ''})`, 'check the layout the file was written in (fathom or Hugging Face names)');
    }
    return t;
  }

  /** Reads one tensor (only its bytes) and converts it to float32. */
  read(name: string): NamedTensor {
    if (this.closed) throw new FathomError(`${this.name}: read '${name}' after close`, 'read every tensor before closing the file');
    const t = this.info(name);
    if (!FLOAT_DTYPES.has(t.dtype)) throw new FathomError(`${this.name}: tensor '${name}' has dtype ${t.dtype}; fathom reads only F32, F16, BF16 and F64 weights`, 'convert the checkpoint to a float dtype');
    const raw = this.source.read(this.dataStart + t.begin, t.end - t.begin);
    return { shape: t.shape, data: toFloat32(raw, t.dtype) };
  }

  /** Every tensor, read one at a time. */
  readAll(): Map<string, NamedTensor> {
    return new Map(this.names().map((n) => [n, this.read(n)]));
  }

  close(): void {
    if (!this.closed) this.source.close();
    this.closed = true;
  }
}

function parseHeader(source: ByteSource, name: string): { tensors: Map<string, TensorInfo>; metadata: Record<string, string>; dataStart: number } {
  const bad = (why: string): FathomError => new FathomError(`${name}: not a valid safetensors file: ${why}`, 'pass a .safetensors file written by fathom or Hugging Face tools; a truncated file means the copy or write was interrupted');
  if (source.size < 8) throw bad(`${source.size} bytes, shorter than the 8-byte header length`);
  const declared = source.read(0, 8).readBigUInt64LE(0);
  if (declared > BigInt(MAX_HEADER_BYTES)) throw bad(`declared header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(declared);
  if (n > source.size - 8) throw bad(`declared header length ${n} exceeds the ${source.size - 8} bytes after the length field`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(source.read(8, n)));
  } catch (err) {
    throw bad(`header is not UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('header is not a JSON object');
  const dataStart = 8 + n;
  const dataSize = source.size - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [key, entry] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad('__metadata__ is not an object of strings');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') throw bad(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad(`entry '${key}' is not an object`);
    const { dtype, shape, data_offsets: off } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || DTYPE_WIDTH[dtype] === undefined) {
      throw bad(`tensor '${key}' has unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_WIDTH).join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) throw bad(`tensor '${key}' has shape ${JSON.stringify(shape)}, not a list of sizes ≥ 0`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) || (off[0] as number) > (off[1] as number)) {
      throw bad(`tensor '${key}' has data_offsets ${JSON.stringify(off)}, not [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = off as [number, number];
    if (end > dataSize) throw bad(`tensor '${key}' ends at byte ${end} but the data section holds ${dataSize} bytes (truncated file or lying offsets)`);
    // The element count is compared with the byte range as it is multiplied, so a huge declared
    // shape stops as soon as it passes what the range can hold (and never overflows).
    const width = DTYPE_WIDTH[dtype]!;
    let bytes = (shape as number[]).includes(0) ? 0 : width;
    for (const d of bytes === 0 ? [] : (shape as number[])) {
      bytes *= d;
      if (bytes > end - begin) break;
    }
    if (bytes !== end - begin) throw bad(`tensor '${key}' declares shape [${(shape as number[]).join(',')}] ${dtype} (${bytes > end - begin ? `more than ${end - begin}` : bytes} bytes) but its data_offsets span ${end - begin} bytes`);
    tensors.push({ name: key, dtype, shape: shape as number[], begin, end });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < tensors.length; i++) {
    const prev = tensors[i - 1]!, cur = tensors[i]!;
    if (cur.begin < prev.end) throw bad(`tensors '${prev.name}' [${prev.begin}, ${prev.end}) and '${cur.name}' [${cur.begin}, ${cur.end}) overlap`);
  }
  return { tensors: new Map(tensors.map((t) => [t.name, t])), metadata, dataStart };
}

// ---------------------------------------------------------------------------------------------
// Conversions

let halfTable: Float32Array | null = null;

/** float16 bits → float32, through a 65,536-entry table (256 KB, built on first use). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    t[h] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? Number.NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  halfTable = t;
  return t;
}

function toFloat32(raw: Buffer, dtype: string): Float32Array {
  const width = DTYPE_WIDTH[dtype]!;
  const count = raw.length / width;
  // Copy into an aligned buffer first: the bytes may sit at any offset in the file.
  const aligned = new Uint8Array(raw.length);
  aligned.set(raw);
  if (dtype === 'F32') return new Float32Array(aligned.buffer);
  if (dtype === 'F64') return Float32Array.from(new Float64Array(aligned.buffer));
  const u16 = new Uint16Array(aligned.buffer);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(count);
    for (let i = 0; i < count; i++) bits[i] = u16[i]! << 16;
    return new Float32Array(bits.buffer);
  }
  const table = halfToFloatTable();
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = table[u16[i]!]!;
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → float16 bits, rounding to nearest even (overflow → ±Inf, NaN kept). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0));
}

/** float32 → bfloat16 bits, rounding to nearest even (NaN kept quiet). */
export function floatToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

function encodeData(data: Float32Array, dtype: WriteDType): Buffer {
  if (dtype === 'F32') return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint16Array(data.length);
  const conv = dtype === 'F16' ? floatToHalf : floatToBf16;
  for (let i = 0; i < data.length; i++) out[i] = conv(data[i]!);
  return Buffer.from(out.buffer);
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface WriteOptions {
  /** String metadata stored under __metadata__ (default none). */
  metadata?: Record<string, string>;
  /** Stored dtype (default F32); F16/BF16 round to nearest even. */
  dtype?: WriteDType;
}

function planFile(tensors: ReadonlyArray<readonly [string, NamedTensor]>, options: WriteOptions): { head: Buffer; dtype: WriteDType } {
  const dtype = options.dtype ?? 'F32';
  const width = DTYPE_WIDTH[dtype]!;
  const header: Record<string, unknown> = {};
  if (options.metadata && Object.keys(options.metadata).length) header.__metadata__ = options.metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new FathomError('safetensors: a tensor cannot be named __metadata__', 'rename the tensor');
    if (name in header) throw new FathomError(`safetensors: tensor '${name}' is given twice`, 'pass each name once');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new FathomError(`safetensors: '${name}' has shape [${t.shape.join(',')}] but ${t.data.length} values`, 'pass data of the declared shape');
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + n * width] };
    offset += n * width;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // data starts 8-byte aligned
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  head.write(json, 8);
  return { head, dtype };
}

/** Encodes tensors (in the given order) as safetensors bytes in memory. */
export function encodeSafetensors(tensors: Iterable<readonly [string, NamedTensor]>, options: WriteOptions = {}): Buffer {
  const list = [...tensors];
  const { head, dtype } = planFile(list, options);
  return Buffer.concat([head, ...list.map(([, t]) => encodeData(t.data, dtype))]);
}

/** Writes tensors to `path` one at a time (the file is never assembled in memory). */
export function writeSafetensors(path: string, tensors: Iterable<readonly [string, NamedTensor]>, options: WriteOptions = {}): void {
  const list = [...tensors];
  const { head, dtype } = planFile(list, options);
  const fd = openSync(path, 'w');
  try {
    const put = (b: Buffer): void => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    };
    put(head);
    for (const [, t] of list) put(encodeData(t.data, dtype));
  } finally {
    closeSync(fd);
  }
}

/** Decodes safetensors bytes already in memory: every tensor and the metadata. */
export function decodeSafetensors(bytes: Uint8Array, name = 'safetensors bytes'): SafetensorsFile {
  const reader = SafetensorsReader.fromBytes(bytes, name);
  return { tensors: reader.readAll(), metadata: { ...reader.metadata } };
}

/** Every tensor of a file, and its metadata. */
export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/** Reads a whole (small) file: every tensor and the metadata. */
export function readSafetensors(path: string): SafetensorsFile {
  const reader = SafetensorsReader.open(path);
  try {
    return { tensors: reader.readAll(), metadata: { ...reader.metadata } };
  } finally {
    reader.close();
  }
}
