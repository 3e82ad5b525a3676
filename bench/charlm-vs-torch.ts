// nanoGPT's CPU recipe (char-level GPT: 4 layers, 4 heads, d=128, context 64, batch 12, 2,000
// iterations) on tinyshakespeare, trained by fathom and by PyTorch (../shared/bench/torch_charlm.py,
// same split, schedule and settings) in one run; prints each side's final validation loss and wall
// time, and the time ratio. Target: fathom val loss ≤ 1.95 (nanoGPT reports ≈1.88).
//   node --single-threaded-gc --import tsx bench/charlm-vs-torch.ts [--data file] [--iters 2000] [--skip-torch] [--json]
// PyTorch runs with 2 OpenBLAS threads (OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=1), as measured
// for the peer (val loss 1.890 in 161 s). The fathom run is recorded in the workspace's store.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Store, resolveWorkspace } from '../src/store/index.js';
import { gcMode } from '../src/tensor/index.js';
import { runTorchCharLm, trainCharLm } from '../src/train/index.js';
import type { PeerResult } from '../src/train/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const data = flag('data', fileURLToPath(new URL('../../shared/data/text/tinyshakespeare.txt', import.meta.url)));
const iters = Number(flag('iters', '2000'));
const peer = fileURLToPath(new URL('../../shared/bench/torch_charlm.py', import.meta.url));

if (!existsSync(data)) {
  console.log(`charlm-vs-torch: ${data} is absent, so nothing was measured. Pass --data <tinyshakespeare.txt> (../shared/data/text/ in a full checkout).`);
  process.exit(0);
}

const store = new Store(resolveWorkspace());
let fathom;
try {
  fathom = await trainCharLm({ file: data, store, iters, progress: !args.includes('--json') });
} finally {
  store.close();
}
const ours = { val_loss: fathom.valLoss, wall_s: fathom.result.elapsed, run: fathom.result.runId, vocab: fathom.vocab, params: fathom.result.parameters, gc: gcMode() };

const torch: PeerResult = args.includes('--skip-torch') ? { skipped: '--skip-torch' } : runTorchCharLm(peer, data, iters);

const ratio = 'wall_s' in torch ? ours.wall_s / torch.wall_s : null;
const summary = { data, iters, fathom: ours, torch, time_ratio: ratio, target_val_loss: 1.95, meets_target: ours.val_loss <= 1.95 };
if (args.includes('--json')) console.log(JSON.stringify(summary));
else {
  console.log(`charlm on ${data}, ${iters} iterations (vocabulary ${ours.vocab}, ${(ours.params / 1e6).toFixed(2)}M parameters)`);
  console.log(`fathom  val loss ${ours.val_loss.toFixed(4)}  in ${ours.wall_s.toFixed(1)} s  (run ${ours.run}; target ≤ 1.95: ${summary.meets_target ? 'met' : 'missed'})`);
  if ('wall_s' in torch) console.log(`torch   val loss ${torch.final_val_loss.toFixed(4)}  in ${torch.wall_s.toFixed(1)} s  (torch ${torch.version})`);
  else console.log(`torch   not run: ${torch.skipped}`);
  if (ratio !== null) console.log(`time ratio fathom/torch ${ratio.toFixed(2)}x`);
}
