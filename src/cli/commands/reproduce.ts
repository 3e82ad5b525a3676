// `fathom reproduce`: one small experiment per research system, composed into one HTML report.
import { FathomError, UsageError } from '../../errors.js';
import { registeredExperiments } from '../../reproduce/index.js';
import { reproduce, selectExperiments } from '../../reproduce/run.js';
import { emit, globalOptions, textTable, withStore } from '../context.js';
import { registerCommand } from '../registry.js';

registerCommand({
  name: 'reproduce',
  summary: 'run one small experiment per research system and write an HTML report beside the papers\' numbers',
  examples: ['fathom reproduce --quick', 'fathom reproduce --list', 'fathom reproduce --quick --only sgd-vs-adam --json'],
  define(cmd) {
    cmd
      .option('--quick', 'the quick budget: each experiment in at most 2 minutes on 2 cores')
      .option('--only <ids>', 'comma-separated experiment ids (see --list)')
      .option('--list', 'list the registered experiments and their budgets, run nothing')
      .option('--seed <n>', 'random seed for every experiment', '0')
      .option('-o, --out <dir>', 'report folder (default: <workspace>/reports/<timestamp>)')
      .action(async (o: { quick?: boolean; only?: string; list?: boolean; seed: string; out?: string }) => {
        const options = globalOptions(cmd);
        if (o.list) {
          const all = registeredExperiments();
          emit(options, all.map(({ id, system, paper, title, budgets }) => ({ id, system, paper, title, budgets })), () =>
            all.length === 0 ? 'no experiment is registered yet' : textTable(['id', 'system', 'quick budget', 'full budget'], all.map((e) => [e.id, e.system, e.budgets.quick, e.budgets.full])));
          return;
        }
        const seed = Number(o.seed);
        if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got "${o.seed}"`, 'pass e.g. --seed 1');
        const only = o.only?.split(',').map((s) => s.trim()).filter(Boolean);
        selectExperiments(only); // fail on a bad --only before opening the store
        const summary = await withStore(options, (store) => reproduce(store, { budget: o.quick ? 'quick' : 'full', only, seed, outDir: o.out }));
        emit(options, summary, () => [
          textTable(['experiment', 'system', 'status', 'seconds', 'run'], summary.experiments.map((e) => [e.id, e.system, e.status, Number(e.seconds.toFixed(1)), e.runId])),
          `report: ${summary.report}`,
        ].join('\n'));
        const failed = summary.experiments.filter((e) => e.status === 'failed');
        if (failed.length) throw new FathomError(`reproduce: ${failed.length} experiment(s) failed: ${failed.map((e) => `${e.id} (${e.error})`).join('; ')}`, 'see the report and `fathom runs show <run>`');
      });
  },
});
