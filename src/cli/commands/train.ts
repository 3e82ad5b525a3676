// `fathom train`: train a transformer from a config (defaults: the tiny preset on moby-dick,
// byte-level), with checkpoints, weight averaging, resumption and a progress bar.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { configTemplate, loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import { formatDuration, info } from '../../log/index.js';
import { loadCheckpoint, prepareTrainData, runTorchCharLm, train, trainCharLm, trainConfigSchema } from '../../train/index.js';
import type { Store } from '../../store/index.js';
import { emit, globalOptions, withStore } from '../context.js';
import { registerBench, registerCommand, withExamples } from '../registry.js';

/** A checkpoint path, or a run id whose checkpoints/latest.json is used. */
function resumeTarget(store: Store, target: string): string {
  if (existsSync(target)) return target;
  const run = store.getRun(target);
  const dir = join(store.artifactsDir, run.id, 'checkpoints');
  if (!existsSync(join(dir, 'latest.json'))) {
    throw new UsageError(`--resume ${target}: run ${run.id} saved no checkpoint`, 'train longer than checkpoint.every steps, or start a new run');
  }
  return dir;
}

registerCommand({
  name: 'train',
  summary: 'train a transformer language model (tiny preset on moby-dick by default)',
  examples: [
    'fathom train',
    'fathom train --set budget.steps=2000 --set optim.lr=6e-4 --set averaging.use=[ema,lawa]',
    'fathom train --config train.yaml --set data.corpus=notes.txt',
    'fathom train --resume 20261202-0412',
    'fathom train --print-config > train.yaml',
  ],
  define(cmd) {
    cmd.description('train a transformer language model; Ctrl-C saves a checkpoint, --resume continues it exactly')
      .option('-c, --config <file>', 'a JSON or YAML train config (see --print-config)')
      .option('--set <key=value...>', 'override a config key, e.g. --set optim.lr=3e-4 (repeatable)')
      .option('--resume <run-or-checkpoint>', 'continue a run (its id) or a checkpoint (.json or folder) with its stored config')
      .option('--print-config', 'print the default config as commented YAML and exit')
      .option('--no-progress', 'no progress bar');
    cmd.action(async (o: { config?: string; set?: string[]; resume?: string; printConfig?: boolean; progress: boolean }) => {
      const options = globalOptions(cmd);
      if (o.printConfig) {
        process.stdout.write(`${configTemplate(trainConfigSchema)}\n`);
        return;
      }
      if (o.resume && (o.config || o.set?.length)) {
        throw new UsageError('--resume uses the run\'s stored config, so --config and --set cannot be combined with it', 'drop --config/--set, or start a new run');
      }
      await withStore(options, async (store) => {
        const resume = o.resume ? loadCheckpoint(resumeTarget(store, o.resume)) : undefined;
        const config = resume ? resume.state.config : loadConfig(trainConfigSchema, { file: o.config, sets: o.set ?? [] });
        const data = prepareTrainData(config.data, options.workspace);
        if (resume) info(`resuming run ${resume.state.runId} from step ${resume.state.step} (${resume.path})`);
        info(`data: ${data.source}: ${data.train.length} train / ${data.val.length} val tokens, vocabulary ${data.vocabSize}`);
        const result = await train({ config, data, store, ...(resume ? { resume } : {}), progress: o.progress && !options.quiet });
        if (result.status === 'interrupted') process.exitCode = 130;
        const out = { ...result, unigramEntropy: data.unigramEntropy, data: data.source };
        emit(options, out, () => {
          const lines = [
            `run         ${result.runId} (${result.status}${result.reason ? `: ${result.reason}` : ''}, step ${result.step}/${result.totalSteps}, ${(result.parameters / 1e6).toFixed(2)}M parameters, ${formatDuration(result.elapsed)})`,
            `checkpoint  ${result.checkpoint}`,
          ];
          const v = result.finalVal;
          if (v.val_loss !== undefined) {
            const avg = Object.entries(v).filter(([k]) => k !== 'val_loss').map(([k, x]) => `, ${k.replace('val_loss_', '')} ${x.toFixed(4)}`).join('');
            lines.push(`val loss    ${v.val_loss.toFixed(4)} nats/token (raw${avg}); unigram entropy of the corpus ${data.unigramEntropy.toFixed(4)} nats/token`);
          }
          if (result.status === 'interrupted') lines.push(`resume with: fathom train --resume ${result.runId}`);
          lines.push(`metrics     fathom runs show ${result.runId}  ·  fathom runs compare ${result.runId} <other run>`);
          return lines.join('\n');
        });
      });
    });
  },
});

function defineCharLm(parent: Command): void {
  const cmd = parent.command('charlm').description('nanoGPT\'s CPU recipe (char-level GPT, 4 layers, d=128, 2,000 iterations) by fathom, and with --torch by PyTorch too')
    .option('--data <file>', 'the text file', '../shared/data/text/tinyshakespeare.txt')
    .option('--iters <n>', 'iterations', '2000')
    .option('--torch', 'also run the PyTorch peer (../shared/bench/torch_charlm.py) and report the time ratio');
  withExamples(cmd, ['fathom bench charlm --torch', 'fathom bench charlm --iters 200 --json']);
  cmd.action(async (o: { data: string; iters: string; torch?: boolean }) => {
    const options = globalOptions(cmd);
    const iters = Number(o.iters);
    if (!Number.isInteger(iters) || iters <= 0) throw new UsageError(`bench charlm: --iters must be a positive whole number, got "${o.iters}"`, 'pass e.g. --iters 2000');
    if (!existsSync(o.data)) throw new UsageError(`bench charlm: ${o.data} is absent`, 'pass --data <tinyshakespeare.txt> (it lives in ../shared/data/text in a full checkout)');
    const ours = await withStore(options, (store) => trainCharLm({ file: o.data, store, iters, progress: !options.quiet }));
    const torch = o.torch ? runTorchCharLm(resolve('../shared/bench/torch_charlm.py'), o.data, iters) : null;
    const ratio = torch && 'wall_s' in torch ? ours.result.elapsed / torch.wall_s : null;
    const result = { data: o.data, iters, fathom: { val_loss: ours.valLoss, wall_s: ours.result.elapsed, run: ours.result.runId, vocab: ours.vocab }, torch, time_ratio: ratio, meets_target: ours.valLoss <= 1.95 };
    emit(options, result, () => [
      `fathom  val loss ${ours.valLoss.toFixed(4)} in ${ours.result.elapsed.toFixed(1)} s (run ${ours.result.runId}; target ≤ 1.95 ${result.meets_target ? 'met' : 'missed'})`,
      ...(torch ? ['wall_s' in torch ? `torch   val loss ${torch.final_val_loss.toFixed(4)} in ${torch.wall_s.toFixed(1)} s (torch ${torch.version})` : `torch   not run: ${torch.skipped}`] : []),
      ...(ratio !== null ? [`time ratio fathom/torch ${ratio.toFixed(2)}x`] : []),
    ].join('\n'));
  });
}

registerBench({ name: 'charlm', define: defineCharLm });
