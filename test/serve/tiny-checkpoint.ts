// A tiny llama-arch checkpoint trained by the real trainer on a byte-level corpus, in a temporary
// workspace: what `fathom train` leaves behind, small enough to serve hundreds of requests fast.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { Store } from '../../src/store/index.js';
import { prepareTrainData, train, trainConfigSchema } from '../../src/train/index.js';
import { tempDir } from '../helpers/cli.js';

/** Trains for a few steps and returns the run's checkpoints folder. */
export async function tinyCheckpoint(arch: 'gpt2' | 'llama' = 'llama', contextLength = 96): Promise<string> {
  const ws = tempDir('fathom-serve-');
  const corpus = join(ws, 'corpus.txt');
  writeFileSync(corpus, 'Call me Ishmael. Some years ago, never mind how long precisely, I went to sea. '.repeat(Math.max(40, Math.ceil((contextLength * 12) / 80))));
  const config = parseConfig(trainConfigSchema, {
    name: 'tiny', data: { corpus }, model: { arch, layers: 1, dim: 16, heads: 2, contextLength }, batch: { size: 4 }, budget: { steps: 8 },
    eval: { every: 8, batches: 1 }, checkpoint: { every: 8 }, schedule: { warmup: 2 },
  });
  const store = new Store(ws);
  try {
    const { runId } = await train({ config, data: prepareTrainData(config.data, ws), store, progress: false, handleSignals: false });
    return join(ws, 'artifacts', runId, 'checkpoints');
  } finally {
    store.close();
  }
}
