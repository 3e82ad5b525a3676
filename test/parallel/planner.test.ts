// The planner's enumeration and its input errors: every user-facing error names the field and
// the valid choices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { evaluateChosen, factorizations, launchConfig, parameterCount, parsePlanInput, plan, resolvePreset, type Evaluation } from '../../src/parallel/index.js';
import { CLUSTER_PRESETS, MODEL_PRESETS } from '../../src/parallel/presets.js';

const input = (model: string, cluster: string, patch: Record<string, unknown> = {}) =>
  parsePlanInput({ model: resolvePreset('model', model), cluster: { ...resolvePreset('cluster', cluster), ...patch } });

describe('factorizations', () => {
  it('enumerates every ordered power-of-two split, and every split with any factors', () => {
    // 4096 = 2^12: exponent 4-tuples summing to 12, C(15,3) = 455.
    assert.equal(factorizations(4096).length, 455);
    // 6144 = 2^11·3: C(14,3) = 364 ways for the 2s times 4 places for the 3 = 1456.
    assert.equal(factorizations(6144, true).length, 1456);
    assert.equal(factorizations(6144).length, 0);
    // 12 = 2^2·3 with any factors: C(5,3)·4 = 40, each a true factorization.
    const twelve = factorizations(12, true);
    assert.equal(twelve.length, 40);
    assert.ok(twelve.every((s) => s.data * s.x * s.y * s.z === 12));
    assert.equal(new Set(twelve.map((s) => `${s.data},${s.x},${s.y},${s.z}`)).size, 40);
  });

  it('ranks all 455 splits of 4,096 GPUs for GPT-3 175B, fastest first, and explains the rest', () => {
    const r = plan(input('gpt3-175b', 'perlmutter', { gpus: 4096 }));
    assert.equal(r.enumerated, 455);
    const dropped = r.dropped.reduce((s, d) => s + d.count, 0);
    assert.equal(r.ranked.length + dropped, 455);
    assert.ok(r.ranked.length > 0);
    for (let i = 1; i < r.ranked.length; i++) assert.ok(r.ranked[i - 1]!.stepSeconds <= r.ranked[i]!.stepSeconds);
    // 96 heads: G_y = 64 and above cannot split them; batch 1536 = 2^9·3 allows G_data·G_z ≤ 512.
    assert.match(r.dropped.find((d) => d.reason === 'heads')!.example, /heads 96 are not divisible by G_y=(64|128|256|512|1024|2048|4096)/);
    assert.match(r.dropped.find((d) => d.reason === 'batch')!.example, /batch 1536 sequences is not divisible by G_data×G_z=/);
    for (const e of r.ranked) assert.ok(e.memory.total <= e.memory.capacity);
    // GPT-3 175B as counted here: 96·12·12288² + 12288·50257 (LM head, tied embedding) ≈ 174.6B.
    assert.equal(parameterCount(r.model).total, 96 * 12 * 12288 ** 2 + 12288 * 50257);
  });
});

describe('plan input errors', () => {
  const expectError = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (err: unknown) => err instanceof ConfigError && pattern.test(err.message));

  it('an unknown preset lists the presets and suggests the closest', () => {
    expectError(() => resolvePreset('model', 'gpt3-157b'), /unknown model preset "gpt3-157b" \(valid presets: gpt3-175b, llama2-7b, llama2-13b, llama2-70b, llama3.1-405b\)\. Hint: did you mean "gpt3-175b"\?/);
    expectError(() => resolvePreset('cluster', 'summit'), /unknown cluster preset "summit" \(valid presets: perlmutter, frontier, alps, generic-8gpu\)/);
    assert.deepEqual(Object.keys(MODEL_PRESETS).length, 5);
    assert.deepEqual(Object.keys(CLUSTER_PRESETS).length, 4);
  });

  it('heads that do not divide hidden name the field and the valid head counts', () => {
    expectError(
      () => parsePlanInput({ model: { layers: 2, hidden: 1000, ffn: 4000, heads: 48, vocab: 100, seqLen: 16, batch: 4 }, cluster: resolvePreset('cluster', 'perlmutter') }),
      /model\.heads: heads 48 does not divide hidden 1000 \(valid heads for this hidden: 1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000\)/,
    );
    expectError(
      () => parsePlanInput({ model: { ...resolvePreset('model', 'llama2-70b'), kvHeads: 6 }, cluster: resolvePreset('cluster', 'perlmutter') }),
      /model\.kvHeads: kvHeads 6 does not divide heads 64 \(valid kvHeads: 1, 2, 4, 8, 16, 32, 64\)/,
    );
  });

  it('zero bandwidth, non-integer GPUs and partial nodes name the field', () => {
    expectError(() => input('gpt3-175b', 'perlmutter', { interBandwidthGBs: 0 }), /cluster\.interBandwidthGBs: interBandwidthGBs must be > 0 GB\/s/);
    expectError(() => input('gpt3-175b', 'perlmutter', { intraBandwidthGBs: 0 }), /cluster\.intraBandwidthGBs: intraBandwidthGBs must be > 0 GB\/s/);
    expectError(() => input('gpt3-175b', 'perlmutter', { gpus: 10.5 }), /cluster\.gpus: gpus must be a whole number/);
    expectError(() => input('gpt3-175b', 'perlmutter', { gpus: 4098 }), /cluster\.gpus: gpus 4098 is not a whole number of 4-GPU nodes \(valid nearby: 4096, 4100\)/);
    expectError(() => parsePlanInput({ model: resolvePreset('model', 'gpt3-175b'), cluster: resolvePreset('cluster', 'perlmutter'), engine: { chekpointing: 'always' } }), /unknown key "chekpointing" under "engine".*did you mean "checkpointing"/);
  });

  it('a GPU count with no power-of-two factorization points to --any-factors', () => {
    expectError(() => plan(input('gpt3-175b', 'alps', { gpus: 6144 })), /cluster\.gpus 6144 is not a power of two.*nearest: 4096, 8192\)\. Hint: pass --any-factors/);
  });

  it('a chosen split that does not divide the shape names the split and the valid sizes', () => {
    const gpt3 = input('gpt3-175b', 'perlmutter', { gpus: 4096 });
    expectError(() => evaluateChosen(gpt3, { data: 1, x: 1, y: 64, z: 64 }), /split data=1 x=1 y=64 z=64: heads 96 are not divisible by G_y=64\. Hint: valid G_y for this model: 1, 2, 4, 8, 16, 32$/);
    expectError(() => evaluateChosen(gpt3, { data: 4096, x: 1, y: 1, z: 1 }), /batch 1536 sequences is not divisible by G_data×G_z=4096\. Hint: G_data×G_z must divide model\.batch 1536/);
    expectError(() => evaluateChosen(gpt3, { data: 2, x: 2, y: 2, z: 2 }), /uses 16 GPUs, but cluster\.gpus is 4096/);
    const toy = parsePlanInput({ model: { layers: 2, hidden: 1440, ffn: 5760, heads: 12, vocab: 100, seqLen: 16, batch: 64 }, cluster: { gpus: 64, gpusPerNode: 8, intraBandwidthGBs: 100, interBandwidthGBs: 10, peakTflops: 100, memoryGiB: 80 } });
    expectError(() => evaluateChosen(toy, { data: 1, x: 64, y: 1, z: 1 }), /hidden 1440 is not divisible by G_x=64\. Hint: valid G_x for this model: 1, 2, 4, 8, 16, 32/);
  });
});

describe('launch configurations', () => {
  const gpt3 = input('gpt3-175b', 'perlmutter', { gpus: 4096 });
  const best = plan(gpt3).ranked[0] as Evaluation;
  const s = best.split;

  it('AxoNN: srun over whole nodes with ax.init taking G_data, G_intra_r/c/d = X, Y, Z', () => {
    const l = launchConfig('axonn', gpt3.model, gpt3.cluster, best);
    assert.equal(l.nodes, 1024);
    assert.equal(l.worldSize, 4096);
    assert.deepEqual(l.groups.map((g) => [g.dim, g.size, g.stride]), [['x', s.x, 1], ['y', s.y, s.x], ['z', s.z, s.x * s.y], ['data', s.data, s.x * s.y * s.z]]);
    assert.match(l.script, /#SBATCH --nodes=1024\n#SBATCH --ntasks-per-node=4\n#SBATCH --gpus-per-node=4/);
    assert.match(l.script, /G_intra_r=int\(os.environ\["FATHOM_G_X"\]\)/);
    assert.match(l.script, new RegExp(`export FATHOM_G_DATA=${s.data}\nexport FATHOM_G_X=${s.x}\nexport FATHOM_G_Y=${s.y}\nexport FATHOM_G_Z=${s.z}`));
    assert.match(l.command, /^srun --nodes=1024 --ntasks=4096 --ntasks-per-node=4 --gpus-per-node=4 bash -c 'RANK=\$SLURM_PROCID LOCAL_RANK=\$SLURM_LOCALID python train.py'$/);
  });

  it('torchrun: one launcher per node and a DeviceMesh in rank order', () => {
    const l = launchConfig('torchrun', gpt3.model, gpt3.cluster, best, 'pretrain.py');
    assert.match(l.command, /^torchrun --nnodes=1024 --nproc-per-node=4 --rdzv-id=\$JOB_ID --rdzv-backend=c10d --rdzv-endpoint=\$MASTER_ADDR:\$MASTER_PORT pretrain\.py$/);
    assert.match(l.script, new RegExp(`init_device_mesh\\("cuda", \\(${s.data}, ${s.z}, ${s.y}, ${s.x}\\), mesh_dim_names=\\("data", "z", "y", "x"\\)\\)`));
  });
});
