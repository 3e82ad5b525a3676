// The registry of reproduction experiments: one small experiment per research system, each with
// a quick budget (≤ 2 minutes on 2 cores) and a full one. `fathom reproduce` runs them and writes
// one HTML report with the paper's numbers beside ours. Each system registers its own experiment.
import type { Progress } from '../log/index.js';
import type { Plot, TableSpec } from '../report/index.js';
import { Registry } from '../registry.js';
import type { Run } from '../store/index.js';

export type Budget = 'quick' | 'full';

export interface ExperimentContext {
  budget: Budget;
  /** The store run this experiment writes its metrics and artifacts to. */
  run: Run;
  seed: number;
  progress(label: string, total?: number, unit?: string): Progress;
}

/** One number of ours next to the paper's, where the paper gives one. */
export interface Comparison {
  metric: string;
  ours: number | string;
  paper: number | string | null;
  note?: string;
}

export interface ExperimentResult {
  /** What was run and what it shows, in a short paragraph. */
  summary: string;
  tables: TableSpec[];
  plots: Plot[];
  comparisons: Comparison[];
}

export interface Experiment {
  /** Stable id used by `--only`, e.g. 'sgd-vs-adam'. */
  id: string;
  /** The research system's name as the README's table shows it. */
  system: string;
  /** The specification file under shared/papers, e.g. '03-sgd-vs-adam.md'. */
  paper: string;
  title: string;
  /** What each budget runs, for `fathom reproduce --list`. */
  budgets: Record<Budget, string>;
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}

const experiments = new Registry<Experiment>('reproduce: experiment', (e) => e.id);

export function registerExperiment(experiment: Experiment): void {
  experiments.register(experiment);
}

export function registeredExperiments(): Experiment[] {
  return experiments.all();
}
