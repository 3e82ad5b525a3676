// OpenBLAS against fathom's own blocked GEMM on the GEMMs of a transformer train step, paired:
//   node --import tsx bench/gemm-shapes.ts [--rows 2048] [--dim 256] [--pairs 60] [--json]
// For each Linear layer of a GPT block (qkv d→3d, attention out d→d, MLP up d→4d, MLP down 4d→d)
// it times the three GEMMs of a step — forward y = x·Wᵀ, input gradient dX = dY·W and weight
// gradient dW = dYᵀ·X — with both kernels as adjacent calls in alternating order, and prints each
// kernel's GFLOP/s and the median ratio of own/OpenBLAS times (< 1: fathom's kernel is faster).
// Measured on a 2-core AVX2 machine: fathom's kernel is 6–16% faster for k ≤ 256 without transA,
// OpenBLAS 14–21% faster for every dW (transA); switching kernels by shape did not move a whole
// train step beyond its run-to-run spread, so fathom's matmul always uses OpenBLAS when it is
// there. On a 2-core AVX-512 machine (OpenBLAS's SKYLAKEX kernels) fathom's AVX2 kernel takes
// 1.22–1.58× OpenBLAS's time on every shape.
import { median, timePairs } from '../src/bench/gemm.js';
import { nativeStatus, requireNative } from '../src/tensor/native/index.js';
import { output } from '../src/tensor/native/util.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const rows = flag('rows', 2048), dim = flag('dim', 256), pairs = flag('pairs', 60);
const addon = requireNative();
if (nativeStatus().blas !== 'openblas') {
  console.error('bench: this build has no OpenBLAS (install libopenblas-dev, then rebuild: node scripts/build-native.mjs)');
  process.exit(1);
}

interface Shape { layer: string; pass: 'forward' | 'dX' | 'dW'; ta: boolean; tb: boolean; m: number; n: number; k: number }
const shapes: Shape[] = [];
for (const [layer, K, O] of [['qkv', dim, 3 * dim], ['attn out', dim, dim], ['mlp up', dim, 4 * dim], ['mlp down', 4 * dim, dim]] as const) {
  shapes.push({ layer, pass: 'forward', ta: false, tb: true, m: rows, n: O, k: K });
  shapes.push({ layer, pass: 'dX', ta: false, tb: false, m: rows, n: K, k: O });
  shapes.push({ layer, pass: 'dW', ta: true, tb: false, m: O, n: K, k: rows });
}

const fill = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7));

const results = shapes.map((s) => {
  const a = fill(s.m * s.k), b = fill(s.k * s.n);
  const lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
  const blas = () => addon.cblasSgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, output(s.m * s.n), s.n);
  const own = () => addon.sgemmOwn(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, output(s.m * s.n), s.n);
  for (let i = 0; i < 5; i++) {
    blas();
    own();
  }
  const { a: tb, b: to, ratios: ratio } = timePairs(blas, own, pairs);
  const gflops = (t: number) => (2 * s.m * s.n * s.k) / t / 1e9;
  return { ...s, blasGflops: gflops(median(tb)), ownGflops: gflops(median(to)), ownOverBlas: median(ratio) };
});

if (args.includes('--json')) console.log(JSON.stringify({ rows, dim, pairs, results }));
else {
  for (const r of results) {
    const shape = `${r.ta ? 'T' : 'N'}${r.tb ? 'T' : 'N'} m=${r.m} n=${r.n} k=${r.k}`;
    console.log(`${r.layer.padEnd(9)} ${r.pass.padEnd(8)} ${shape.padEnd(26)} openblas ${r.blasGflops.toFixed(0).padStart(4)} GFLOP/s  own ${r.ownGflops.toFixed(0).padStart(4)}  own/openblas time ${r.ownOverBlas.toFixed(3)}`);
  }
}
