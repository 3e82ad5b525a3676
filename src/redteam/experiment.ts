// The `redteam` reproduce experiment (shared/papers/05-redteam-scaling.md), quick and offline:
// simulated attackers and targets of graded capability attack the bundled canary behaviors
// (PAIR and Crescendo; the full budget adds TAP and more streams), the ASR heatmap is drawn with
// both axes ordered by capability, a law logit(ASR) = w·δ + b is fitted per target on the best
// ASR over attacks, and the ASR of an attacker weaker than every target is predicted.
import { registerExperiment, type Comparison, type ExperimentResult } from '../reproduce/registry.js';
import type { Row } from '../report/index.js';
import { fitScalingLaws, predictAsr, type PairResult } from './fit.js';
import { redteamConfigSchema, startRedteam } from './matrix.js';
import { asrHeatmap, lawPlot } from './report.js';
import { simCapability } from './sim.js';

const ATTACKERS = [0.15, 0.3, 0.45, 0.6, 0.75, 0.9];
const TARGETS = [0.25, 0.5, 0.75];
const WEAK_ATTACKER = 0.1;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const r3 = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : Number(x.toFixed(3)));

registerExperiment({
  id: 'redteam',
  system: 'Red-teaming',
  paper: '05-redteam-scaling.md',
  title: 'capability-gap scaling law of attack success, on simulated attackers and targets over benign canaries',
  budgets: {
    quick: '6 simulated attackers × 3 targets × 9 canary behaviors, PAIR (3 streams × 3 steps) and Crescendo (4 turns); law with 1,000 bootstrap resamples',
    full: 'the quick matrix with PAIR 3 × 5, Crescendo 5 turns and TAP (width 3, branching 2, depth 4)',
  },
  async run(ctx): Promise<ExperimentResult> {
    const attacks = ctx.budget === 'full' ? ['pair', 'crescendo', 'tap'] : ['pair', 'crescendo'];
    const progress = ctx.progress('redteam', attacks.length + 1, 'parts');
    const results: PairResult[] = [];
    const cellsTable: Row[] = [];
    let undetermined = 0;
    for (const attack of attacks) {
      const config = redteamConfigSchema.parse({
        name: `reproduce redteam: ${attack}`, attack,
        attackers: ATTACKERS.map((c) => `sim-attacker:${c}`), targets: TARGETS.map((c) => `sim-target:${c}`),
        judge: 'sim-judge:judge', classifier: 'sim-judge:classifier',
        streams: 3, steps: ctx.budget === 'full' ? 5 : attack === 'crescendo' ? 4 : 3, width: 3, branching: 2,
      });
      const out = await startRedteam(ctx.run.store, config);
      for (const c of out.summary.cells) {
        undetermined += c.undetermined;
        cellsTable.push({ attack, attacker: c.attacker, target: c.target, evaluated: c.evaluated, broken: c.broken, asr: r3(c.asr), 'asr@1': r3(c.asrAt['1']), 'hit@5': r3(c.hitAt['5']), queriesPerSuccess: r3(c.queriesPerSuccess) });
        if (c.asr === null) continue;
        results.push({ attacker: c.attacker, target: c.target, attack, asr: c.asr, attackerCapability: simCapability('sim-attacker', c.attacker.split(':')[1]!), targetCapability: simCapability('sim-target', c.target.split(':')[1]!) });
      }
      progress.tick();
    }
    const fit = { gap: 'logit' as const, resamples: 1000, seed: ctx.seed };
    const laws = fitScalingLaws(results, fit);
    const predictions = laws.map((l) => predictAsr(l, WEAK_ATTACKER, fit));
    progress.tick();
    progress.done();
    const slope = median(laws.map((l) => l.slope));
    const intercept = median(laws.map((l) => l.intercept));
    const r2 = median(laws.map((l) => l.r2 ?? 0));
    ctx.run.log(0, { medianSlope: slope, medianIntercept: intercept, medianR2: r2, undetermined });
    const comparisons: Comparison[] = [
      { metric: 'median slope w over targets', ours: r3(slope)!, paper: 1.73, note: 'paper: unconfirmed; ours comes from a simulation built to have a logistic gap dependence' },
      { metric: 'median intercept b', ours: r3(intercept)!, paper: -0.79 },
      { metric: 'median R²', ours: r3(r2)!, paper: 0.83 },
      { metric: `predicted ASR of an attacker at capability ${WEAK_ATTACKER} against the strongest target`, ours: r3(predictions.at(-1)!.asr)!, paper: null, note: 'an attacker weaker than every target' },
      { metric: 'undetermined judge labels', ours: undetermined, paper: null },
    ];
    return {
      summary: `Simulated attackers (capabilities ${ATTACKERS.join(', ')}) attacked simulated targets (${TARGETS.join(', ')}) on the 9 benign canary behaviors with ${attacks.join(', ')}; a behavior counts as broken when the final classifier labels any attempt yes. The simulation makes each attempt succeed with probability about σ(logit a − logit t − 1.5), so attack success falls as the target outgrows the attacker; fitting logit(ASR) on the logit capability gap per target (best ASR over attacks, clipped to [0.01, 0.99]) recovers a positive slope. These numbers describe the simulation, not real models: they show the pipeline end to end, offline.`,
      tables: [
        { caption: 'Fitted laws per target (95% bootstrap CIs over attacker–target pairs)', rows: laws.map((l) => ({ target: l.target, slope: r3(l.slope), slopeLow: r3(l.slopeCi?.low), slopeHigh: r3(l.slopeCi?.high), intercept: r3(l.intercept), interceptLow: r3(l.interceptCi?.low), interceptHigh: r3(l.interceptCi?.high), midpoint: r3(l.midpoint), r2: r3(l.r2) })) },
        { caption: `Predicted ASR of an attacker at capability ${WEAK_ATTACKER} (weaker than every target)`, rows: predictions.map((p) => ({ target: p.target, gap: r3(p.gap), asr: r3(p.asr), low: r3(p.ci?.low), high: r3(p.ci?.high) })) },
        { caption: 'Every cell: ASR, ASR@1, hit@5 and queries per success', rows: cellsTable },
      ],
      plots: [asrHeatmap(results), lawPlot(laws, fit)],
      comparisons,
    };
  },
});
