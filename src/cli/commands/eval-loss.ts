// `fathom eval-loss`: the validation (or train) loss of a checkpoint's weights — raw and each
// averaged set side by side — on the data it was trained on or on another corpus.
import { UsageError } from '../../errors.js';
import { Transformer } from '../../models/index.js';
import { evalLoss, loadWeights, prepareTrainData, trainConfigSchema } from '../../train/index.js';
import type { TrainConfig } from '../../train/index.js';
import { parseConfig } from '../../config/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerCommand } from '../registry.js';

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, got "${v}"`, `pass e.g. ${flag} 20`);
  return n;
}

registerCommand({
  name: 'eval-loss',
  summary: 'loss of a checkpoint (raw and averaged weights) on a corpus split',
  examples: [
    'fathom eval-loss ~/.fathom/artifacts/<run>/checkpoints',
    'fathom eval-loss step-000600.json --weights all --batches 50',
    'fathom eval-loss step-000600.ema.safetensors --data sotu --split val --json',
  ],
  define(cmd) {
    cmd.description('cross-entropy (nats/token) of a checkpoint on a corpus split')
      .argument('<checkpoint>', 'a checkpoint state (.json / latest.json / its folder) or a .safetensors weights file')
      .option('--data <corpus>', 'moby-dick, sotu or a file (default: the checkpoint\'s training corpus)')
      .option('--tokenizer <tok>', 'byte or a tokenizer.json (default: the checkpoint\'s)')
      .option('--split <split>', 'val or train', 'val')
      .option('--weights <which>', 'raw, an averager name (ema, lawa, swa), or all', 'all')
      .option('--batches <n>', 'batches to average over (default: the run\'s eval.batches, else 20)')
      .option('--batch <n>', 'sequences per batch (default: the run\'s batch.size, else 12)')
      .option('--seed <n>', 'which batches (default: the run\'s seed + 1, the batches its validation used)');
    cmd.action((checkpoint: string, o: { data?: string; tokenizer?: string; split: string; weights: string; batches?: string; batch?: string; seed?: string }) => {
      const options = globalOptions(cmd);
      if (o.split !== 'val' && o.split !== 'train') throw new UsageError(`--split "${o.split}" is not val or train`, 'pass --split val');
      const first = loadWeights(checkpoint, o.weights === 'all' ? 'raw' : o.weights);
      const run = first.state?.config;
      const batches = o.batches === undefined ? run?.eval.batches ?? 20 : positiveInt('--batches', o.batches);
      const batch = o.batch === undefined ? run?.batch.size ?? 12 : positiveInt('--batch', o.batch);
      const seed = o.seed === undefined ? (run?.seed ?? 1337) + 1 : Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got "${o.seed}"`, 'pass e.g. --seed 1338');
      const sets = o.weights === 'all' && first.state ? ['raw', ...Object.keys(first.state.weights.averaged)] : [o.weights === 'all' ? 'raw' : o.weights];
      if (!first.state && !o.data) throw new UsageError(`${checkpoint} is a weights file without its training state, so the data is unknown`, 'pass --data (and --tokenizer if not byte)');
      const trained: TrainConfig['data'] = first.state?.config.data ?? parseConfig(trainConfigSchema, {}).data;
      const dataSpec = { ...trained, ...(o.data ? { corpus: o.data, format: undefined, field: undefined } : {}), ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}) };
      const data = prepareTrainData(dataSpec, options.workspace);
      if (data.vocabSize !== first.model.vocabSize) {
        throw new UsageError(`the model's vocabulary is ${first.model.vocabSize} but tokenizer '${dataSpec.tokenizer}' has ${data.vocabSize}`, 'pass the --tokenizer the model was trained with');
      }
      const tokens = o.split === 'val' ? data.val : data.train;
      const rows = sets.map((which) => {
        const w = which === sets[0] ? first : loadWeights(checkpoint, which);
        const model = new Transformer(w.model);
        model.loadStateDict(w.weights.tensors);
        return { weights: which, loss: evalLoss(model, tokens, { batch, batches, seed }), file: w.file };
      });
      const result = { checkpoint, data: data.source, split: o.split, tokens: batches * batch * first.model.contextLength, unigramEntropy: data.unigramEntropy, step: first.state?.step ?? null, results: rows };
      emit(options, result, () => [
        `${data.source}, ${o.split} split, ${result.tokens} tokens (${batches} × ${batch} × ${first.model.contextLength})${result.step !== null ? `, step ${result.step}` : ''}`,
        textTable(['weights', 'loss (nats/token)', 'file'], rows.map((r) => [r.weights, Number(r.loss.toFixed(4)), r.file])),
        `unigram entropy of the corpus: ${data.unigramEntropy.toFixed(4)} nats/token`,
      ].join('\n'));
    });
  },
});
