// Times the 4D planner: every factorization of 4,096 GPUs for GPT-3 175B (the bar: under
// 2 seconds), and larger searches. Run: node --import tsx bench/plan.ts  (or `fathom bench plan`).
import { benchPlanner } from '../src/parallel/bench.js';

const rows = benchPlanner();
console.log('model           cluster      GPUs   factors  splits  fit   first ms  median ms  µs/split  vs 2 s bar');
for (const r of rows) {
  console.log(
    `${r.model.padEnd(15)} ${r.cluster.padEnd(11)} ${String(r.gpus).padStart(5)}  ${(r.anyFactors ? 'any' : 'pow2').padEnd(7)} ${String(r.enumerated).padStart(6)} ${String(r.fit).padStart(4)} ${r.firstMs.toFixed(1).padStart(9)} ${r.medianMs.toFixed(1).padStart(10)} ${r.usPerSplit.toFixed(0).padStart(9)}  ${(2000 / r.firstMs).toFixed(0).padStart(6)}× faster`,
  );
}
