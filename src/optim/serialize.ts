// Exact, compact JSON encoding of float buffers for checkpoints: the raw little-endian bytes in
// base64, so optimizer moments and averages round-trip bit for bit (decimal text would not).
import { FathomError } from '../errors.js';
import type { FloatArray } from '../tensor/index.js';

export interface EncodedArray {
  dtype: 'float32' | 'float64';
  length: number;
  base64: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeArray(a: FloatArray): EncodedArray {
  if (!LITTLE_ENDIAN) throw new FathomError('encodeArray: big-endian hosts are not supported', 'run on a little-endian machine (x86-64, arm64)');
  return { dtype: a instanceof Float64Array ? 'float64' : 'float32', length: a.length, base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

export function decodeArray(e: EncodedArray, what = 'array'): FloatArray {
  if (!e || typeof e.base64 !== 'string' || (e.dtype !== 'float32' && e.dtype !== 'float64')) {
    throw new FathomError(`decodeArray: ${what} is not an encoded float array`, 'load a state written by fathom');
  }
  const bytes = Buffer.from(e.base64, 'base64');
  const width = e.dtype === 'float64' ? 8 : 4;
  if (bytes.length !== e.length * width) {
    throw new FathomError(`decodeArray: ${what} holds ${bytes.length} bytes but declares ${e.length} ${e.dtype} values`, 'the state file is truncated or corrupt; use an earlier checkpoint');
  }
  const copy = new Uint8Array(bytes); // aligned, owned copy
  return e.dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
}
