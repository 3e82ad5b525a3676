// The safetensors format (huggingface/safetensors), written and read here: an 8-byte
// little-endian header length N, N bytes of JSON header — {name: {dtype, shape, data_offsets:
// [begin, end]}, "__metadata__": {string: string}} — padded with spaces to 8 bytes, then the raw
// little-endian tensor bytes. fathom writes F32; it reads F32, F64 and F16/BF16 into float32.
import { readFileSync } from 'node:fs';
import { FathomError } from '../errors.js';

export interface NamedTensor {
  shape: readonly number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const WIDTH: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** Encodes tensors (written in the given order) and string metadata as safetensors bytes. */
export function encodeSafetensors(tensors: Iterable<readonly [string, NamedTensor]>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new FathomError('safetensors: a tensor cannot be named __metadata__', 'rename the parameter');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new FathomError(`safetensors: '${name}' has shape [${t.shape.join(',')}] but ${t.data.length} values`, 'pass data of the declared shape');
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...parts]);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decodes safetensors bytes; `source` names the file in errors. */
export function decodeSafetensors(bytes: Buffer, source = 'safetensors'): SafetensorsFile {
  const bad = (why: string): FathomError => new FathomError(`${source}: not a valid safetensors file (${why})`, 'pass a .safetensors file written by fathom or Hugging Face tools; a truncated file means the write was interrupted');
  if (bytes.length < 8) throw bad(`${bytes.length} bytes, shorter than the 8-byte header length`);
  const n = Number(bytes.readBigUInt64LE(0));
  if (n > bytes.length - 8) throw bad(`header length ${n} exceeds the file size ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw bad(`header is not JSON: ${(err as Error).message}`);
  }
  const body = bytes.subarray(8 + n);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: off } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const width = WIDTH[dtype];
    if (!width) throw new FathomError(`${source}: tensor '${name}' has dtype ${dtype}, which fathom does not read`, 'save the weights as F32 (or F64/F16/BF16)');
    const count = shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(off) || off[1] - off[0] !== count * width || off[1] > body.length || off[0] < 0) {
      throw bad(`tensor '${name}' offsets ${JSON.stringify(off)} do not fit shape [${shape.join(',')}] ${dtype} in a ${body.length}-byte body`);
    }
    const raw = body.subarray(off[0], off[1]);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const o = i * width;
      data[i] = dtype === 'F32' ? raw.readFloatLE(o)
        : dtype === 'F64' ? raw.readDoubleLE(o)
          : dtype === 'F16' ? halfToFloat(raw.readUInt16LE(o))
            : new Float32Array(new Uint32Array([raw.readUInt16LE(o) << 16]).buffer)[0]!;
    }
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FathomError(`safetensors: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the checkpoint path');
  }
  return decodeSafetensors(bytes, path);
}
