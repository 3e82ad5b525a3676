// Timing of the planner itself (the bar: every factorization of 4,096 GPUs for a 175B
// model ranked in under 2 seconds). Used by bench/plan.ts and `fathom bench plan`.
import { plan, parsePlanInput } from './planner.js';
import { resolvePreset } from './presets.js';

export interface PlannerBenchCase {
  model: string;
  cluster: string;
  gpus: number;
  anyFactors: boolean;
}

export interface PlannerBenchRow extends PlannerBenchCase {
  enumerated: number;
  fit: number;
  /** First call in this process (includes JIT warm-up). */
  firstMs: number;
  medianMs: number;
  usPerSplit: number;
}

export const PLANNER_BENCH_CASES: readonly PlannerBenchCase[] = [
  { model: 'gpt3-175b', cluster: 'perlmutter', gpus: 4096, anyFactors: false },
  { model: 'gpt3-175b', cluster: 'perlmutter', gpus: 4096, anyFactors: true },
  { model: 'llama3.1-405b', cluster: 'frontier', gpus: 32768, anyFactors: false },
  { model: 'gpt3-175b', cluster: 'alps', gpus: 6144, anyFactors: true },
];

/** Times `plan()` on each case: the first call, then the median of `repeats` more. */
export function benchPlanner(cases: readonly PlannerBenchCase[] = PLANNER_BENCH_CASES, repeats = 5): PlannerBenchRow[] {
  return cases.map((c) => {
    const input = parsePlanInput({ model: resolvePreset('model', c.model), cluster: { ...resolvePreset('cluster', c.cluster), gpus: c.gpus } });
    let t = performance.now();
    const first = plan(input, { anyFactors: c.anyFactors });
    const firstMs = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      t = performance.now();
      plan(input, { anyFactors: c.anyFactors });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const medianMs = times[Math.floor(times.length / 2)]!;
    return { ...c, enumerated: first.enumerated, fit: first.ranked.length, firstMs, medianMs, usPerSplit: (1000 * medianMs) / first.enumerated };
  });
}
