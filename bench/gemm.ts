// Runs the GEMM benchmark (src/bench/gemm.ts, also `fathom bench gemm`) without the CLI:
//   node --import tsx bench/gemm.ts [64,256,512,1024] [--json]
// fathom's matmul through the tensor API vs the same product made directly to cblas_sgemm, and
// fathom's own blocked GEMM (the fallback without OpenBLAS), in GFLOP/s. The ratio is the median
// of per-pair time ratios of adjacent calls (see src/bench/gemm.ts).
import { runGemmBench } from '../src/bench/gemm.js';

export { runGemmBench };
export type { GemmBenchOptions, GemmBenchResult, GemmBenchRow } from '../src/bench/gemm.js';

const sizes = (process.argv.slice(2).find((s) => /^\d+(,\d+)*$/.test(s)) ?? '64,256,512,1024').split(',').map(Number);
const result = runGemmBench({ sizes });
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  const f = (x: number | null) => (x === null ? '   n/a' : x.toFixed(1).padStart(6));
  for (const r of result.rows) {
    const iqr = r.ratioIqr ? ` (IQR ${r.ratioIqr[0].toFixed(3)}–${r.ratioIqr[1].toFixed(3)}, ${r.pairs} pairs)` : '';
    console.log(`n=${String(r.size).padStart(5)}  fathom ${f(r.gflops)} GFLOP/s  BLAS ${f(r.blasGflops)}  ratio ${r.ratio?.toFixed(3) ?? 'n/a'}${iqr}  BLAS warm ${f(r.blasWarmGflops)}  own ${f(r.ownGflops)}`);
  }
  console.log(`GEMM via ${result.blas}, ${result.threads} threads`);
}
