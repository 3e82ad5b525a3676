// `fathom bench eval`: the eval harness's throughput against a local OpenAI-compatible stub,
// beside the stub's own rate (issue 6's benchmark; promptfoo 0.121 measured 61–70 items/s here).
import type { Command } from 'commander';
import { EVAL_BENCH_DEFAULTS, runEvalBench, type EvalBenchResult } from '../../eval/bench/throughput.js';
import { UsageError } from '../../errors.js';
import { info } from '../../log/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerBench, withExamples } from '../registry.js';

function positiveInt(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new UsageError(`bench eval: ${flag} must be a whole number from 1 to ${max}, got "${text}"`, `pass e.g. ${flag} ${flag === '--items' ? 1000 : flag === '--concurrency' ? 32 : 3}`);
  return n;
}

function parseDelays(text: string): number[] {
  const delays = text.split(',').map((s) => Number(s.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isFinite(d) || d < 0 || d > 10_000)) {
    throw new UsageError(`bench eval: --delays "${text}" must be comma-separated milliseconds from 0 to 10000`, 'pass e.g. --delays 0,50');
  }
  return delays;
}

const fmt = (x: number, digits = 0): number => Number(x.toFixed(digits));

function render(r: EvalBenchResult): string {
  const runs = textTable(
    ['stub delay ms', 'run', 'items/s', 'stub alone/s', 'ratio', 'CPU ms/item', 'peak RSS MiB', 'stored'],
    r.runs.map((x) => [x.delayMs, x.repeat, fmt(x.itemsPerSec), fmt(x.stubItemsPerSec), fmt(x.ratio, 3), fmt(x.cpuMsPerItem, 2), fmt(x.peakRssMiB), x.stored]),
  );
  const lines = [`eval throughput: ${r.items} free-form items, ${r.scorer} scorer, concurrency ${r.concurrency}, every stage stored (node ${r.node})`, runs];
  if (r.runs.length > r.summary.length) {
    lines.push('', 'median (min-max) over runs:', textTable(
      ['stub delay ms', 'items/s', 'stub alone/s', 'ratio', 'CPU ms/item'],
      r.summary.map((s) => [s.delayMs, `${fmt(s.itemsPerSec.median)} (${fmt(s.itemsPerSec.min)}-${fmt(s.itemsPerSec.max)})`,
        `${fmt(s.stubItemsPerSec.median)} (${fmt(s.stubItemsPerSec.min)}-${fmt(s.stubItemsPerSec.max)})`,
        `${fmt(s.ratio.median, 3)} (${fmt(s.ratio.min, 3)}-${fmt(s.ratio.max, 3)})`, `${fmt(s.cpuMsPerItem.median, 2)} (${fmt(s.cpuMsPerItem.min, 2)}-${fmt(s.cpuMsPerItem.max, 2)})`]),
    ));
  }
  lines.push('', 'peer on this setup: promptfoo 0.121 at 61-70 items/s (about 15 CPU ms/item); aim: >= 500 items/s at 0 ms, >= 0.85 of the stub alone at 50 ms');
  return lines.join('\n');
}

function defineEval(parent: Command): void {
  const cmd = parent.command('eval').description('items/s of a free-form eval (contains scorer, every stage stored) against a local OpenAI-compatible stub, beside the stub\'s own rate')
    .option('--items <n>', 'free-form items per run', String(EVAL_BENCH_DEFAULTS.items))
    .option('--delays <ms,...>', 'stub answer delays in milliseconds', EVAL_BENCH_DEFAULTS.delays.join(','))
    .option('--concurrency <n>', 'items and requests in flight', String(EVAL_BENCH_DEFAULTS.concurrency))
    .option('--repeats <n>', 'runs per delay (the summary shows median and range)', String(EVAL_BENCH_DEFAULTS.repeats));
  withExamples(cmd, ['fathom bench eval', 'fathom bench eval --delays 50 --repeats 3 --json', 'fathom bench eval --items 200 --delays 0']);
  cmd.action(async (o: { items: string; delays: string; concurrency: string; repeats: string }) => {
    const options = globalOptions(cmd);
    const result = await runEvalBench({
      items: positiveInt('--items', o.items, 1_000_000),
      delays: parseDelays(o.delays),
      concurrency: positiveInt('--concurrency', o.concurrency, 4096),
      repeats: positiveInt('--repeats', o.repeats, 100),
      onStage: (m) => info(`bench eval: ${m}`),
    });
    emit(options, result, () => render(result));
  });
}

registerBench({ name: 'eval', define: defineEval });
