// `fathom runs ls|show|rm|export|compare`: browse, inspect, delete, export and compare the runs in the store.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { exportRows, formatRows, type ExportFormat, type ExportTable, type RunStatus } from '../../store/index.js';
import { emit, globalOptions, textTable, withExistingStore, withStore } from '../context.js';
import { registerCommand, withExamples } from '../registry.js';
import { renderSvg, toPng } from '../../report/index.js';
import { compareRuns } from '../../train/index.js';

const STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'interrupted'];

function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} "${value}" is not one of ${allowed.join(', ')}`, `pass e.g. ${flag} ${allowed[0]}`);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`, `pass e.g. ${flag} 20`);
  return n;
}

function defineLs(parent: Command): void {
  const cmd = parent.command('ls').description('list runs, newest first')
    .option('--kind <kind>', 'only runs of this kind (e.g. train, eval)')
    .option('--status <status>', `only runs with this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many runs', '50');
  withExamples(cmd, ['fathom runs ls', 'fathom runs ls --status interrupted --json']);
  cmd.action(async (o: { kind?: string; status?: string; limit: string }) => {
    const options = globalOptions(cmd);
    const status = o.status === undefined ? undefined : choice('--status', o.status, STATUSES);
    const limit = positiveInt('--limit', o.limit);
    if (!existsSync(join(options.workspace, 'fathom.db'))) {
      emit(options, [], () => `no runs: there is no fathom store in ${options.workspace} yet`);
      return;
    }
    await withStore(options, (store) => {
      const runs = store.listRuns({ kind: o.kind, status, limit }).map((r) => ({ ...r, ...store.counts(r.id) }));
      emit(options, runs, () => runs.length === 0
        ? `no runs in ${store.dbPath}`
        : textTable(['id', 'kind', 'name', 'status', 'created', 'metrics', 'items', 'artifacts'],
          runs.map((r) => [r.id, r.kind, r.name, r.status, r.createdAt.replace('T', ' ').slice(0, 19), r.metrics, r.items, r.artifacts])));
    });
  });
}

function defineShow(parent: Command): void {
  const cmd = parent.command('show').description('show one run: config, status, last metrics, items and artifacts')
    .argument('<id>', 'run id (or a unique prefix of it)');
  withExamples(cmd, ['fathom runs show 20261128-1315', 'fathom runs show 20261128-131500-3f9a --json']);
  cmd.action(async (id: string) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, (store) => {
      const run = store.getRun(id);
      const metrics = store.metrics(run.id);
      const last = new Map<string, { step: number; value: number }>();
      for (const m of metrics) last.set(m.name, { step: m.step, value: m.value });
      const items = store.items(run.id);
      const itemStatus: Record<string, number> = {};
      for (const i of items) itemStatus[i.status] = (itemStatus[i.status] ?? 0) + 1;
      const artifacts = store.artifacts(run.id);
      const result = { ...run, lastMetrics: Object.fromEntries(last), items: itemStatus, artifacts };
      emit(options, result, () => [
        `run ${run.id}  (${run.kind}: ${run.name})`,
        `status      ${run.status}${run.error ? ` — ${run.error}` : ''}`,
        `created     ${run.createdAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
        `host        ${run.host.hostname} (${run.host.platform}, ${run.host.cpus} cpus, node ${run.host.node}), fathom ${run.fathomVersion}`,
        `config      ${JSON.stringify(run.config)}`,
        last.size ? `metrics\n${textTable(['name', 'last step', 'value'], [...last].map(([n, m]) => [n, m.step, m.value]))}` : 'metrics     none',
        items.length ? `items       ${Object.entries(itemStatus).map(([s, n]) => `${n} ${s}`).join(', ')}` : 'items       none',
        artifacts.length ? `artifacts\n${textTable(['path', 'kind', 'bytes', 'sha256'], artifacts.map((a) => [a.path, a.kind, a.bytes, a.sha256.slice(0, 16)]))}` : 'artifacts   none',
      ].join('\n'));
    });
  });
}

function defineRm(parent: Command): void {
  const cmd = parent.command('rm').description('delete runs with their metrics, items and artifact files')
    .argument('<ids...>', 'run ids (or unique prefixes)')
    .option('--force', 'also delete runs that are still marked running');
  withExamples(cmd, ['fathom runs rm 20261128-131500-3f9a']);
  cmd.action(async (ids: string[], o: { force?: boolean }) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, (store) => {
      const removed = ids.map((id) => {
        const run = store.getRun(id);
        store.deleteRun(run.id, { force: o.force === true });
        return run.id;
      });
      emit(options, { removed }, () => removed.map((id) => `removed ${id}`).join('\n'));
    });
  });
}

function defineExport(parent: Command): void {
  const cmd = parent.command('export').description('export a run\'s metrics, eval items or record as JSONL or CSV')
    .argument('<id>', 'run id (or a unique prefix)')
    .option('--what <table>', 'metrics, items or run', 'metrics')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('-o, --out <file>', 'write to this file instead of stdout');
  withExamples(cmd, ['fathom runs export 20261128-1315 --what metrics --format csv -o metrics.csv', 'fathom runs export 20261128-1315 --what items']);
  cmd.action(async (id: string, o: { what: string; format: string; out?: string }) => {
    const options = globalOptions(cmd);
    const table = choice<ExportTable>('--what', o.what, ['metrics', 'items', 'run']);
    const format = choice<ExportFormat>('--format', o.format, ['jsonl', 'csv']);
    await withExistingStore(options, (store) => {
      const rows = exportRows(store, id, table);
      const text = formatRows(rows, format);
      if (o.out) {
        writeFileSync(o.out, text);
        if (!options.quiet) process.stderr.write(`wrote ${rows.length} ${table} rows to ${o.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
  });
}

function defineCompare(parent: Command): void {
  const cmd = parent.command('compare').description('overlay the loss curves (raw and averaged) of training runs and summarise them')
    .argument('<ids...>', 'two or more run ids (or unique prefixes)')
    .option('-o, --out <file>', 'write the plot here (.svg or .png; default: <workspace>/reports/compare-<ids>.svg)');
  withExamples(cmd, ['fathom runs compare 20261202-0412 20261202-0430', 'fathom runs compare <a> <b> -o curves.png --json']);
  cmd.action(async (ids: string[], o: { out?: string }) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, async (store) => {
      const c = compareRuns(store, ids);
      const out = o.out ?? join(options.workspace, 'reports', `compare-${c.runs.map((r) => r.id.slice(-4)).join('-')}.svg`);
      const svg = await renderSvg(c.plot);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, extname(out).toLowerCase() === '.png' ? toPng(svg) : svg);
      const { plot: _plot, ...summary } = c;
      emit(options, { ...summary, plotFile: out }, () => [
        textTable(['run', 'name', 'status', 'steps', 'time (s)', 'train loss (last 10)'],
          c.runs.map((r) => [r.id, r.name, r.status, r.steps, r.time === null ? '-' : Number(r.time.toFixed(1)), r.finalTrainLoss === null ? '-' : Number(r.finalTrainLoss.toFixed(4))])),
        '',
        textTable(['run', 'curve', 'final', 'best', 'best step', c.target === null ? 'steps to target' : `steps to ${c.target.toFixed(4)}`],
          c.curves.map((v) => [v.run, v.curve, Number(v.final.toFixed(4)), Number(v.best.toFixed(4)), v.bestStep, v.stepsToTarget ?? 'never'])),
        '',
        `plot: ${out}`,
      ].join('\n'));
    });
  });
}

registerCommand({
  name: 'runs',
  summary: 'list, show, delete and export runs in the store',
  examples: ['fathom runs ls', 'fathom runs show <id>', 'fathom runs export <id> --format csv'],
  define(cmd) {
    defineLs(cmd);
    defineShow(cmd);
    defineRm(cmd);
    defineExport(cmd);
    defineCompare(cmd);
  },
});
