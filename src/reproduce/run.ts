// Runs reproduction experiments, records each as a store run, and writes one HTML report with
// a section per system: what was run, the result tables and plots, and the paper's numbers
// beside ours.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FathomError, UsageError, didYouMean } from '../errors.js';
import { createProgress, info } from '../log/index.js';
import { writeReport, type ReportSection, type TableSpec } from '../report/index.js';
import type { Store } from '../store/index.js';
import { VERSION } from '../version.js';
import { registeredExperiments, type Budget, type Experiment, type ExperimentResult } from './registry.js';

export interface ReproduceOptions {
  budget: Budget;
  only?: readonly string[] | undefined;
  seed: number;
  /** Folder for the report; default `<workspace>/reports/<timestamp>`. */
  outDir?: string | undefined;
}

export interface ExperimentOutcome {
  id: string;
  system: string;
  runId: string;
  status: 'completed' | 'failed';
  seconds: number;
  error?: string;
  comparisons: ExperimentResult['comparisons'];
}

export interface ReproduceSummary {
  report: string;
  budget: Budget;
  experiments: ExperimentOutcome[];
}

/** The experiments `--only` names, in registry order; unknown ids are usage errors. */
export function selectExperiments(only: readonly string[] | undefined, all: readonly Experiment[] = registeredExperiments()): Experiment[] {
  if (all.length === 0) {
    throw new FathomError(
      'reproduce: no experiment is registered yet (each research system registers one when it lands)',
      'run `fathom doctor` to see what this machine can run',
    );
  }
  if (!only || only.length === 0) return [...all];
  const ids = all.map((e) => e.id);
  for (const id of only) {
    if (!ids.includes(id)) {
      const guess = didYouMean(id, ids);
      throw new UsageError(`reproduce: no experiment "${id}" (registered: ${ids.join(', ')})`, guess ? `did you mean "${guess}"?` : 'list them with `fathom reproduce --list`');
    }
  }
  return all.filter((e) => only.includes(e.id));
}

function comparisonTable(result: ExperimentResult): TableSpec {
  return {
    caption: 'Ours beside the paper',
    columns: ['metric', 'ours', 'paper', 'note'],
    rows: result.comparisons.map((c) => ({ metric: c.metric, ours: c.ours, paper: c.paper, note: c.note ?? '' })),
  };
}

export async function reproduce(store: Store, options: ReproduceOptions): Promise<ReproduceSummary> {
  const experiments = selectExperiments(options.only);
  const started = new Date();
  const sections: ReportSection[] = [];
  const outcomes: ExperimentOutcome[] = [];
  for (const experiment of experiments) {
    info(`reproduce: ${experiment.id} (${experiment.system}, ${options.budget} budget: ${experiment.budgets[options.budget]})`);
    const run = store.createRun({ kind: 'reproduce', name: experiment.id, config: { budget: options.budget, seed: options.seed } });
    const t0 = performance.now();
    try {
      const result = await experiment.run({
        budget: options.budget,
        run,
        seed: options.seed,
        progress: (label, total, unit) => createProgress({ label: `${experiment.id}: ${label}`, ...(total === undefined ? {} : { total }), ...(unit === undefined ? {} : { unit }) }),
      });
      run.addArtifact('result.json', JSON.stringify({ summary: result.summary, tables: result.tables, comparisons: result.comparisons }, null, 2), 'result');
      run.finish('completed');
      const seconds = (performance.now() - t0) / 1000;
      outcomes.push({ id: experiment.id, system: experiment.system, runId: run.id, status: 'completed', seconds, comparisons: result.comparisons });
      sections.push({
        title: `${experiment.system}: ${experiment.title}`,
        text: [result.summary, `Budget: ${options.budget} (${experiment.budgets[options.budget]}). Specification: shared/papers/${experiment.paper}. Run ${run.id}, ${seconds.toFixed(1)} s.`],
        tables: [...(result.comparisons.length ? [comparisonTable(result)] : []), ...result.tables],
        plots: result.plots,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      run.finish('failed', message);
      const seconds = (performance.now() - t0) / 1000;
      outcomes.push({ id: experiment.id, system: experiment.system, runId: run.id, status: 'failed', seconds, error: message, comparisons: [] });
      sections.push({ title: `${experiment.system}: ${experiment.title}`, text: `This experiment failed after ${seconds.toFixed(1)} s: ${message}` });
    }
  }
  const stamp = started.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const dir = options.outDir ?? join(store.workspace, 'reports', stamp);
  const written = await writeReport(dir, {
    title: 'fathom reproduce',
    subtitle: `${options.budget} budget, ${outcomes.filter((o) => o.status === 'completed').length} of ${outcomes.length} experiments completed`,
    meta: { fathom: VERSION, date: started.toISOString(), host: hostname(), seed: options.seed },
    sections,
  });
  return { report: written.html, budget: options.budget, experiments: outcomes };
}
