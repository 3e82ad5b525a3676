// safetensors: round trips in every written dtype, hand-computed F16/BF16 bit patterns, lazy
// reads, and malformed files (truncated, lying or overlapping offsets, huge declared sizes,
// unknown dtypes, wrong lengths) — including seeded random mutations of a valid file, where every
// outcome must be a successful read or a FathomError.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FathomError } from '../../src/errors.js';
import { SafetensorsReader, encodeSafetensors, floatToBf16, floatToHalf, readSafetensors, writeSafetensors } from '../../src/io/index.js';
import type { NamedTensor } from '../../src/io/index.js';

const tensors: Array<[string, NamedTensor]> = [
  ['a', { shape: [2, 3], data: Float32Array.from([1, -2, 0.5, 3.25, -0.125, 100]) }],
  ['b.weight', { shape: [4], data: Float32Array.from([0, 1e-3, -65504, 7]) }],
  ['empty', { shape: [0, 5], data: new Float32Array(0) }],
];

/** A raw file from a header object and a data section. */
function rawFile(header: unknown, data: Uint8Array, declared?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(declared ?? BigInt(json.length));
  return Buffer.concat([head, json, data]);
}

test('round trip in F32 is exact; metadata and data order are kept; data is 8-byte aligned', () => {
  const bytes = encodeSafetensors(tensors, { metadata: { format: 'pt', note: 'x' } });
  assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0);
  const r = SafetensorsReader.fromBytes(bytes);
  assert.deepEqual(r.names(), ['a', 'b.weight', 'empty']);
  assert.deepEqual(r.metadata, { format: 'pt', note: 'x' });
  for (const [name, t] of tensors) {
    const got = r.read(name);
    assert.deepEqual(got.shape, t.shape);
    assert.deepEqual([...got.data], [...t.data]);
  }
});

test('F16 and BF16 bit patterns match hand-computed values and read back', () => {
  // IEEE half: 1 = 0x3c00, -2 = 0xc000, 65504 = 0x7bff (max), 2^-24 = 0x0001 (smallest subnormal),
  // 1 + 2^-11 is a tie between 1 and 1 + 2^-10 → rounds to even (0x3c00); 70000 overflows to +Inf.
  assert.deepEqual([1, -2, 65504, 2 ** -24, 1 + 2 ** -11, 70000, 0.1].map(floatToHalf), [0x3c00, 0xc000, 0x7bff, 0x0001, 0x3c00, 0x7c00, 0x2e66]);
  // bfloat16: the top half of float32, rounded to nearest even: 1 = 0x3f80, -2 = 0xc000, 0.1 = 0x3dcd.
  assert.deepEqual([1, -2, 0.1, 3.140625].map(floatToBf16), [0x3f80, 0xc000, 0x3dcd, 0x4049]);
  for (const dtype of ['F16', 'BF16'] as const) {
    const r = SafetensorsReader.fromBytes(encodeSafetensors(tensors, { dtype }));
    assert.equal(r.info('a').dtype, dtype);
    const got = r.read('a').data;
    const tol = dtype === 'F16' ? 2 ** -11 : 2 ** -8;
    tensors[0]![1].data.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= tol * Math.abs(v), `${dtype} ${v} → ${got[i]}`));
  }
  // F64 is read too (converted to float32).
  const f64 = Buffer.from(Float64Array.from([1.5, -3]).buffer);
  assert.deepEqual([...SafetensorsReader.fromBytes(rawFile({ x: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }, f64)).read('x').data], [1.5, -3]);
});

test('files are written tensor by tensor and read lazily by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fathom-st-'));
  try {
    const path = join(dir, 'm.safetensors');
    const big = new Float32Array(1 << 16).map((_, i) => i);
    writeSafetensors(path, [...tensors, ['big', { shape: [256, 256], data: big }]], { metadata: { k: 'v' } });
    assert.ok(statSync(path).size > 4 * big.length);
    const r = SafetensorsReader.open(path);
    assert.equal(r.read('big').data[12345], 12345);
    assert.deepEqual([...r.read('b.weight').data], [...tensors[1]![1].data]);
    assert.throws(() => r.read('nope'), /no tensor named 'nope' \(it has 4: a, b\.weight, empty, big\)/);
    r.close();
    assert.throws(() => r.read('a'), /read 'a' after close/);
    assert.equal(readSafetensors(path).metadata.k, 'v');
    assert.throws(() => SafetensorsReader.open(join(dir, 'missing.safetensors')), /cannot open .*missing\.safetensors \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('write errors: wrong value count, duplicate and reserved names', () => {
  assert.throws(() => encodeSafetensors([['x', { shape: [3], data: new Float32Array(2) }]]), /'x' has shape \[3\] but 2 values/);
  assert.throws(() => encodeSafetensors([['__metadata__', { shape: [1], data: new Float32Array(1) }]]), /cannot be named __metadata__/);
  assert.throws(() => encodeSafetensors([['x', { shape: [1], data: new Float32Array(1) }], ['x', { shape: [1], data: new Float32Array(1) }]]), /'x' is given twice/);
});

test('malformed headers give clear errors without allocating what they declare', () => {
  const four = new Uint8Array(16);
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(5), /5 bytes, shorter than the 8-byte header length/],
    [rawFile({}, four, 1n << 60n), /declared header length 1152921504606846976 exceeds the 100000000-byte limit/],
    [rawFile({}, four, 5000n), /declared header length 5000 exceeds the 18 bytes after the length field/],
    [Buffer.concat([rawFile({}, new Uint8Array(0)).subarray(0, 8), Buffer.from('{"a": ')]), /header is not UTF-8 JSON/],
    [rawFile([1, 2], four), /header is not a JSON object/],
    [rawFile({ x: { dtype: 'F33', shape: [4], data_offsets: [0, 16] } }, four), /tensor 'x' has unknown dtype "F33"/],
    [rawFile({ x: { dtype: 'F32', shape: [4, -1], data_offsets: [0, 16] } }, four), /tensor 'x' has shape \[4,-1\], not a list of sizes ≥ 0/],
    [rawFile({ x: { dtype: 'F32', shape: [4], data_offsets: [8, 4] } }, four), /data_offsets \[8,4\], not \[begin, end\]/],
    [rawFile({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 1e15] } }, four), /tensor 'x' ends at byte 1000000000000000 but the data section holds 16 bytes/],
    [rawFile({ x: { dtype: 'F32', shape: [1e15, 1e15, 1e15], data_offsets: [0, 16] } }, four), /declares shape \[1000000000000000,1000000000000000,1000000000000000\] F32 \(more than 16 bytes\) but its data_offsets span 16 bytes/],
    [rawFile({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, four), /declares shape \[3\] F32 \(12 bytes\)/],
    [rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, four), /tensors 'x' \[0, 8\) and 'y' \[4, 12\) overlap/],
    [rawFile({ __metadata__: { a: 1 } }, four), /__metadata__\.a is not a string/],
    [rawFile({ x: 'F32' }, four), /entry 'x' is not an object/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(() => SafetensorsReader.fromBytes(bytes, 'bad.safetensors'), (err: unknown) => {
      assert.ok(err instanceof FathomError, String(err));
      assert.match(err.message, /^bad\.safetensors: not a valid safetensors file: /);
      assert.match(err.message, re);
      assert.match(err.message, /Hint: /);
      return true;
    });
  }
  // Integer dtypes are listed but not read as weights.
  const r = SafetensorsReader.fromBytes(rawFile({ i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, four));
  assert.throws(() => r.read('i'), /tensor 'i' has dtype I64; fathom reads only F32, F16, BF16 and F64 weights/);
});

test('fuzz: 3000 seeded mutations of a valid file each read cleanly or throw a FathomError', () => {
  const valid = encodeSafetensors(tensors, { metadata: { format: 'pt' } });
  const headerEnd = 8 + Number(valid.readBigUInt64LE(0));
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const digits = '0123456789';
  const outcomes = { ok: 0, error: 0 };
  for (let trial = 0; trial < 3000; trial++) {
    let b = Buffer.from(valid);
    const kind = rand(5);
    if (kind === 0) b = b.subarray(0, rand(b.length)); // truncate anywhere
    else if (kind === 1) for (let k = 0, n = 1 + rand(4); k < n; k++) b[rand(headerEnd)] = rand(256); // random bytes in the header
    else if (kind === 2) for (let k = 0, n = 1 + rand(3); k < n; k++) { // change digits (shapes, offsets, the length field)
      const pos = 8 + rand(headerEnd - 8);
      if (digits.includes(String.fromCharCode(b[pos]!))) b[pos] = digits.charCodeAt(rand(10));
    }
    else if (kind === 3) b.writeBigUInt64LE(BigInt(rand(2 ** 31)) * BigInt(1 + rand(2 ** 20)), 0); // lying header length
    else { // splice a large number into a digit run
      const text = b.subarray(8, headerEnd).toString('latin1');
      const spots = [...text.matchAll(/\d+/g)];
      const m = spots[rand(spots.length)]!;
      const big = String(10 ** (1 + rand(25)));
      const json = text.slice(0, m.index) + big + text.slice(m.index! + m[0].length);
      const head = Buffer.alloc(8);
      head.writeBigUInt64LE(BigInt(json.length));
      b = Buffer.concat([head, Buffer.from(json, 'latin1'), b.subarray(headerEnd)]);
    }
    try {
      const r = SafetensorsReader.fromBytes(b);
      for (const name of r.names()) r.read(name);
      outcomes.ok++;
    } catch (err) {
      if (!(err instanceof FathomError)) throw new Error(`trial ${trial} (kind ${kind}) threw a non-fathom error: ${String(err)}`);
      outcomes.error++;
    }
  }
  assert.ok(outcomes.ok > 100 && outcomes.error > 1000, JSON.stringify(outcomes));
});

test('a real file on disk: a truncated copy is reported as truncated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fathom-st-'));
  try {
    const path = join(dir, 't.safetensors');
    const bytes = encodeSafetensors(tensors);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    assert.throws(() => SafetensorsReader.open(path), /ends at byte 40 but the data section holds 37 bytes \(truncated file or lying offsets\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
