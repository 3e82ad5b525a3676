// The training loop (nanoGPT's train.py, with a research tool's bookkeeping): a step is
// `accumulate` micro-batches of forward + backward, global-norm clipping, one optimizer update
// with the scheduled learning rate, then the averagers see the new weights. Every step logs loss,
// lr, grad_norm, tokens_per_s and time to the run store; every `eval.every` steps the validation
// loss of the raw weights and of each averager (val_loss_ema, ...). Checkpoints hold everything a
// resumed run needs to produce the same losses bit for bit; SIGINT (and the time limit) stop
// after the current step with a checkpoint.
import { join } from 'node:path';
import { BatchSampler, goldfishMask } from '../data/index.js';
import { FathomError } from '../errors.js';
import { createProgress } from '../log/index.js';
import { Transformer, countParameters, resolveConfig } from '../models/index.js';
import {
  clipGradNorm, createAverager, createOptimizer, decodeAveragerState, decodeOptimizerState, defaultGroupRules,
  encodeAveragerState, encodeOptimizerState, learningRate, withWeights,
} from '../optim/index.js';
import type { Averager, Optimizer } from '../optim/index.js';
import type { Store } from '../store/index.js';
import { Tensor, indices, mul } from '../tensor/index.js';
import { modelConfig, totalSteps } from './config.js';
import type { TrainConfig } from './config.js';
import { saveCheckpoint, weightsFile } from './checkpoint.js';
import type { CheckpointState, LoadedCheckpoint } from './checkpoint.js';
import { evalLoss } from './evaluate.js';

export interface TrainData {
  train: Int32Array;
  val: Int32Array;
  vocabSize: number;
  /** Where the tokens came from, e.g. 'moby-dick (byte)'. */
  source: string;
}

export interface TrainOptions {
  config: TrainConfig;
  data: TrainData;
  store: Store;
  /** Continue from this checkpoint (its config wins; the data must be the same tokens). */
  resume?: LoadedCheckpoint;
  /** Draw a progress bar (default true). */
  progress?: boolean;
  /** Stop cleanly with a checkpoint on SIGINT (default true). */
  handleSignals?: boolean;
  /** Called after every step with its metrics. */
  onStep?: (step: number, metrics: Record<string, number>) => void;
}

export interface TrainResult {
  runId: string;
  status: 'completed' | 'interrupted';
  /** Why an interrupted run stopped. */
  reason?: 'signal' | 'time-limit';
  step: number;
  totalSteps: number;
  parameters: number;
  /** The last checkpoint's state file. */
  checkpoint: string;
  checkpointDir: string;
  /** Final validation losses: val_loss and val_loss_<averager>. */
  finalVal: Record<string, number>;
  /** Seconds spent training (all segments of a resumed run). */
  elapsed: number;
  tokensSeen: number;
}

/** Reopens a run that a resumed training continues (status back to running, owned by this process). */
function averagerOptions(c: TrainConfig, name: 'ema' | 'lawa' | 'swa'): Record<string, number> {
  return { ...c.averaging[name] };
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const resume = options.resume?.state;
  const config = resume ? resume.config : options.config;
  const data = options.data;
  const mc = resume ? resume.model : modelConfig(config, data.vocabSize);
  if (mc.vocabSize !== data.vocabSize) {
    throw new FathomError(`train: the model has vocabulary ${mc.vocabSize} but the data's tokenizer has ${data.vocabSize}`, 'resume with the same tokenizer as the original run');
  }
  if (resolveConfig(mc).dtype !== 'float32') throw new FathomError('train: only float32 models are trained', 'leave model dtype at float32');
  const ctx = mc.contextLength;
  const total = totalSteps(config, ctx);
  const { size: B, accumulate } = config.batch;

  // Model, optimizer, averagers, sampler: fresh or restored.
  const model = new Transformer(mc);
  if (options.resume) model.loadStateDict(options.resume.weights.tensors);
  model.train();
  const o = config.optim;
  const optimizer: Optimizer = createOptimizer(o.name, model.namedParameters(), {
    lr: o.lr, weightDecay: o.weightDecay, groups: defaultGroupRules(o.noDecay), betas: o.betas, eps: o.eps,
    momentum: o.momentum, nesterov: o.nesterov, dampening: o.dampening,
  });
  const flat = optimizer.flat;
  const offsets = new Map(flat.ranges.map((r) => [r.name, r.offset]));
  const averagers: Averager[] = config.averaging.use.map((name) => createAverager(name, averagerOptions(config, name), flat.size));
  const sampler = resume ? BatchSampler.restore(data.train, resume.sampler) : new BatchSampler(data.train, { batch: B, ctx, seed: config.seed, mode: 'random' });
  if (resume) {
    optimizer.loadState(decodeOptimizerState(resume.optimizer));
    for (const a of averagers) {
      const saved = resume.averagers.find((s) => s.name === a.name);
      if (saved) a.loadState(decodeAveragerState(saved));
    }
  }

  const run = resume ? options.store.reopenRun(resume.runId) : options.store.createRun({ kind: 'train', name: config.name, config });
  const checkpointDir = join(options.store.artifactsDir, run.id, 'checkpoints');
  const startStep = resume?.step ?? 0;
  let elapsedBefore = resume?.elapsed ?? 0;
  let tokensSeen = resume?.tokensSeen ?? 0;
  const evalSeed = config.seed + 1;
  const tokensPerStep = B * accumulate * ctx;

  let stop: 'signal' | 'time-limit' | null = null;
  const onSigint = (): void => {
    stop = 'signal';
  };
  if (options.handleSignals ?? true) process.on('SIGINT', onSigint);

  const evaluate = (): Record<string, number> => {
    const out: Record<string, number> = { val_loss: evalLoss(model, data.val, { batch: B, batches: config.eval.batches, seed: evalSeed }) };
    for (const a of averagers) {
      const avg = a.average();
      if (avg) out[`val_loss_${a.name}`] = withWeights(flat, avg, () => evalLoss(model, data.val, { batch: B, batches: config.eval.batches, seed: evalSeed }));
    }
    return out;
  };

  let lastCheckpoint = '';
  const checkpoint = (step: number, elapsed: number): void => {
    const meta = { 'fathom.step': String(step), 'fathom.run': run.id, 'fathom.data': data.source };
    const averaged: Record<string, Buffer> = {};
    for (const a of averagers) {
      const avg = a.average();
      if (avg) averaged[a.name] = weightsFile(model, { ...meta, 'fathom.weights': a.name }, { flat: avg, offsets });
    }
    const state: Omit<CheckpointState, 'weights' | 'sha256'> = {
      format: 'fathom-train-checkpoint', version: 1, runId: run.id, step, totalSteps: total, config, model: mc,
      data: { source: data.source, vocabSize: data.vocabSize, trainTokens: data.train.length, valTokens: data.val.length },
      optimizer: encodeOptimizerState(optimizer.state()), averagers: averagers.map((a) => encodeAveragerState(a.state())),
      sampler: sampler.state() as Record<string, unknown>, elapsed, tokensSeen,
    };
    lastCheckpoint = saveCheckpoint({ dir: checkpointDir, state, raw: weightsFile(model, { ...meta, 'fathom.weights': 'raw' }), averaged, keep: config.checkpoint.keep });
  };

  const progress = options.progress ?? true
    ? createProgress({ label: `train ${run.id}`, total: total - startStep, unit: 'steps' })
    : null;
  const segmentStart = performance.now();
  const elapsedNow = (): number => elapsedBefore + (performance.now() - segmentStart) / 1000;
  let finalVal: Record<string, number> = {};
  let step = startStep;
  try {
    while (step < total) {
      const t0 = performance.now();
      const lr = learningRate(config.schedule, o.lr, step, total);
      optimizer.lr = lr;
      optimizer.zeroGrad();
      let lossSum = 0;
      for (let micro = 0; micro < accumulate; micro++) {
        const { inputs, targets } = sampler.next();
        const y = indices(targets, [B, ctx]);
        const lossWeights = config.goldfish.strategy === 'off' ? undefined : goldfishWeights(targets, B, ctx, config);
        const { loss } = model.forward(indices(inputs, [B, ctx]), { targets: y, ...(lossWeights ? { lossWeights } : {}) });
        lossSum += loss!.item();
        // The step's activations go back to the pool for the next forward pass (nothing reads them later).
        (accumulate > 1 ? mul(loss!, 1 / accumulate) : loss!).backward({ freeActivations: true });
      }
      const gradNorm = o.clip > 0 ? clipGradNorm(flat, o.clip) : flat.gradNorm();
      optimizer.step();
      step++;
      for (const a of averagers) a.update(step, flat.data);
      tokensSeen += tokensPerStep;
      const stepSeconds = (performance.now() - t0) / 1000;
      const loss = lossSum / accumulate;
      if (!Number.isFinite(loss)) throw new FathomError(`train: the loss is ${loss} at step ${step}`, 'lower optim.lr, or keep optim.clip at 1');
      const metrics: Record<string, number> = { loss, lr, grad_norm: gradNorm, tokens_per_s: tokensPerStep / stepSeconds };
      if (step % config.eval.every === 0 || step === total) Object.assign(metrics, (finalVal = evaluate()));
      metrics.time = elapsedNow();
      run.log(step, metrics);
      options.onStep?.(step, metrics);
      progress?.tick(1, { loss, 'tok/s': Math.round(metrics.tokens_per_s!), ...(metrics.val_loss !== undefined ? { val: metrics.val_loss } : {}) });
      if (config.timeLimit !== null && elapsedNow() - (resume?.elapsed ?? 0) >= config.timeLimit && step < total) stop = 'time-limit';
      if (step === total || stop || (config.checkpoint.every > 0 && step % config.checkpoint.every === 0)) checkpoint(step, elapsedNow());
      if (stop) break;
      // Let SIGINT handlers run: the loop is otherwise synchronous.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    progress?.done('failed');
    run.finish('failed', (err as Error).message);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
  elapsedBefore = elapsedNow();
  const reason = stop as 'signal' | 'time-limit' | null; // set by the SIGINT handler too
  const status = step >= total ? 'completed' : 'interrupted';
  progress?.done(status === 'completed' ? `val_loss=${finalVal.val_loss?.toFixed(4) ?? '?'}` : `stopped (${reason}) at step ${step}`);
  run.finish(status, status === 'interrupted' ? `stopped by ${reason === 'signal' ? 'SIGINT' : 'the time limit'} at step ${step}; continue with fathom train --resume ${run.id}` : undefined);
  return {
    runId: run.id, status, ...(reason ? { reason } : {}), step, totalSteps: total, parameters: countParameters(model),
    checkpoint: lastCheckpoint, checkpointDir, finalVal, elapsed: elapsedBefore, tokensSeen,
  };
}

/** Goldfish loss weights [B, T]: each row's mask is a pure function of its target ids. */
function goldfishWeights(targets: Int32Array, B: number, T: number, c: TrainConfig): Tensor {
  const g = c.goldfish;
  const w = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const strategy = g.strategy as 'static' | 'seeded-random' | 'hash-table';
    w.set(goldfishMask(targets.subarray(b * T, (b + 1) * T), { strategy, k: g.k, h: g.h, seed: g.seed, tableSize: g.tableSize }), b * T);
  }
  return new Tensor(w, [B, T]);
}
