// The 4D performance model against hand computations (shared/papers/08-axonn.md). Every expected
// number below is worked out in the comments from the paper's table and ring formulas, not by
// calling the model.
//
// The toy shape used throughout: 2 layers, hidden 1024, FFN 4096 (GELU), 8 heads, vocab 1024
// (tied embeddings), 1024-token sequences, batch 16 → T = 16384 tokens per step, bf16 (2 bytes).
// Linear layers (n_in → n_out, × count):
//   qkv 1024→3072 ×2, attn_out 1024→1024 ×2 (transposed), mlp_up 1024→4096 ×2,
//   mlp_down 4096→1024 ×2 (transposed), lm_head 1024→1024 ×1
//   Σ n_in·n_out·count = 2·(3 + 1 + 4 + 4)·2^20 + 2^20 = 25·2^20 = 26,214,400 parameters.
// Forward linear FLOPs = 2·T·P = 2·16384·26,214,400 = 858,993,459,200.
// Forward attention FLOPs = 4·L·B·S²·h = 4·2·16·1024²·1024 = 137,438,953,472.
// Default engine: overlap fractions AG 1, RS 1, AR-input-grads 1, AR-outputs 0, AR-data 1;
// gradients 2 B, optimizer 12 B per parameter, 90% of HBM usable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectiveTotals, evaluateSplit, isDropped, parsePlanInput, placement, plan, ringSeconds, splitLabel, type Evaluation } from '../../src/parallel/index.js';

const toy = { name: 'toy', layers: 2, hidden: 1024, ffn: 4096, heads: 8, vocab: 1024, seqLen: 1024, batch: 16, tiedEmbeddings: true };
// 8 GPUs, 4 per node, 100 GB/s inside a node, 10 GB/s per GPU across nodes, 100 TFLOP/s at 50%.
const cluster8 = { name: 'toy8', gpus: 8, gpusPerNode: 4, intraBandwidthGBs: 100, interBandwidthGBs: 10, peakTflops: 100, matmulEfficiency: 0.5, memoryGiB: 16 };
// 64 GPUs, 8 per node, 200 GB/s inside, 25 GB/s per GPU across nodes.
const cluster64 = { ...cluster8, name: 'toy64', gpus: 64, gpusPerNode: 8, intraBandwidthGBs: 200, interBandwidthGBs: 25, memoryGiB: 1 };
const noOverlap = { allGatherWeights: 0, reduceScatterGrads: 0, allReduceInputGrads: 0, allReduceOutputs: 0, allReduceData: 0 };

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-15, `${what}: ${actual} ≠ ${expected}`);

function totals(ev: Evaluation): Record<string, number> {
  return Object.fromEntries(collectiveTotals(ev).map((t) => [`${t.collective}:${t.group}`, t.seconds]));
}

describe('ring costs and placement', () => {
  it('uses (p−1)/p·M/β for all-gather and reduce-scatter and twice that for all-reduce', () => {
    // 8 ranks, 1 GB at 100 GB/s: 7/8 · 0.01 s = 0.00875 s; all-reduce 0.0175 s; one rank costs nothing.
    close(ringSeconds('all-gather', 8, 1e9, 100), 0.00875, 'all-gather');
    close(ringSeconds('reduce-scatter', 8, 1e9, 100), 0.00875, 'reduce-scatter');
    close(ringSeconds('all-reduce', 8, 1e9, 100), 0.0175, 'all-reduce');
    assert.equal(ringSeconds('all-reduce', 1, 1e9, 100), 0);
  });

  it('puts X innermost, then Y, Z, data, and shares NICs between groups on a node', () => {
    const c = { gpusPerNode: 8, intraBandwidthGBs: 200, interBandwidthGBs: 25 };
    const s = { data: 4, x: 4, y: 2, z: 2 };
    // X: stride 1, span 4 fits a node → intra 200. Y: stride 4, span 8 = one node → intra 200.
    // Z: stride 8, span 16 → crosses nodes; all 8 GPUs of a node are in different Z groups →
    // 25·8/8 = 25 GB/s. Data: stride 16 → the same, 25 GB/s.
    assert.deepEqual([placement('x', s, c).where, placement('x', s, c).bandwidthGBs], ['intra', 200]);
    assert.deepEqual([placement('y', s, c).where, placement('y', s, c).bandwidthGBs], ['intra', 200]);
    assert.deepEqual([placement('z', s, c).where, placement('z', s, c).sharing, placement('z', s, c).bandwidthGBs], ['inter', 8, 25]);
    assert.deepEqual([placement('data', s, c).where, placement('data', s, c).bandwidthGBs], ['inter', 25]);
    // X of 16 spans two nodes with stride 1: one X group per node → it gets the whole node's NICs, 25·8 = 200.
    // Y of 4 behind it has stride 16: 8 groups share a node → 25.
    const t = { data: 1, x: 16, y: 4, z: 1 };
    assert.deepEqual([placement('x', t, c).where, placement('x', t, c).sharing, placement('x', t, c).bandwidthGBs], ['inter', 1, 200]);
    assert.deepEqual([placement('y', t, c).where, placement('y', t, c).sharing, placement('y', t, c).bandwidthGBs], ['inter', 8, 25]);
    assert.equal(placement('z', t, c).where, 'none');
  });
});

describe('toy model on 8 GPUs', () => {
  it('costs every collective of data=2 x=2 y=2 z=1 as computed by hand', () => {
    const ev = evaluateSplit(parsePlanInput({ model: toy, cluster: cluster8 }), { data: 2, x: 2, y: 2, z: 1 });
    assert.ok(!isDropped(ev));
    // b = T/(G_data·G_z) = 16384/2 = 8192 tokens. X (stride 1, span 2) and Y (stride 2, span 4)
    // sit in a node: 100 GB/s. Data (stride 4, span 8) crosses nodes; 4 data groups share a
    // node's 4×10 GB/s → 10 GB/s. For p = 2 an all-reduce costs 2·(1/2)·M/β = M/β.
    // All-reduce outputs, forward (normal layers over X with b·n_out/G_y, transposed over Y with b·n_out/G_x):
    //   qkv 8192·3072/2·2 B = 25,165,824 B → 2.5165824e-4 s ×2 layers; mlp_up 33,554,432 B → 3.3554432e-4 ×2;
    //   lm_head 8,388,608 B → 8.388608e-5 ×1.  X total = 1.2582912e-3 s.
    //   attn_out and mlp_down: 8192·1024/2·2 = 8,388,608 B → 8.388608e-5 ×4 = 3.3554432e-4 s over Y.
    // All-reduce input grads, backward (normal over Y with b·n_in/G_x, transposed over X with b·n_in/G_y):
    //   qkv, mlp_up (×2 each), lm_head: 8,388,608 B each → 5 × 8.388608e-5 = 4.194304e-4 s over Y;
    //   attn_out 8,388,608 B ×2 + mlp_down 8192·4096/2·2 = 33,554,432 B ×2 → 1.6777216e-4 + 6.7108864e-4 = 8.388608e-4 s over X.
    // Data all-reduce: all weights / (G_x·G_y·G_z) = 26,214,400/4 · 2 B = 13,107,200 B at 10 GB/s → 1.31072e-3 s.
    const t = totals(ev);
    close(t['allReduceOutputs:x']!, 1.2582912e-3, 'AR outputs X');
    close(t['allReduceOutputs:y']!, 3.3554432e-4, 'AR outputs Y');
    close(t['allReduceInputGrads:y']!, 4.194304e-4, 'AR input grads Y');
    close(t['allReduceInputGrads:x']!, 8.388608e-4, 'AR input grads X');
    close(t['allReduceData:data']!, 1.31072e-3, 'AR data');
    assert.equal(t['allGatherWeights:z'], undefined, 'G_z = 1 has no Z collectives');
    // Compute per GPU, forward: linear 858,993,459,200/8 = 107,374,182,400 FLOPs; attention is
    // repeated on X ranks: 137,438,953,472/(G_data·G_z·G_y = 4) = 34,359,738,368.
    // (141,733,920,768 FLOPs) / (100e12 · 0.5) = 2.83467841536e-3 s; backward twice that.
    close(ev.forward.compute, 2.83467841536e-3, 'forward compute');
    close(ev.backward.compute, 5.66935683072e-3, 'backward compute');
    // Forward comm (outputs) 1.59383552e-3 s, nothing hideable. Backward comm 1.2582912e-3 +
    // 1.31072e-3 = 2.5690112e-3 s, all hideable and shorter than the backward compute.
    close(ev.forward.hidden, 0, 'forward hidden');
    close(ev.backward.hidden, 2.5690112e-3, 'backward hidden');
    // Step = 8.50403524608e-3 compute + 1.59383552e-3 exposed = 1.009787076608e-2 s.
    close(ev.stepSeconds, 1.009787076608e-2, 'step');
    // % of peak = 3·(858,993,459,200 + 137,438,953,472) / (step · 8 · 100e12) = 0.37004053964.
    close(ev.peakFraction, 2.989297238016e12 / (1.009787076608e-2 * 8e14), 'peak fraction');
    assert.equal(ev.checkpointing, false);
  });

  it('counts memory per GPU by hand, with and without checkpointing', () => {
    const a = evaluateSplit(parsePlanInput({ model: toy, cluster: cluster8 }), { data: 2, x: 2, y: 2, z: 1 });
    assert.ok(!isDropped(a));
    // Weights 26,214,400 params / (G_x·G_y·G_z = 4) · 2 B = 13,107,200; gradients the same;
    // optimizer · 12 B = 78,643,200; no gather buffer (G_z = 1).
    // Activations, b = 8192, per layer (elements): 4·b·h/G_x = 16,777,216 (QKV input, MLP input,
    // two norm inputs) + b·3072/G_y = 12,582,912 (q, k, v) + b·1024/G_y = 4,194,304 (attn_out input)
    // + b·4096/G_y = 16,777,216 (GELU input) + 16,777,216 (mlp_down input) = 67,108,864 → 134,217,728 B.
    // Final: b·h/G_x + b·V/G_y = 8,388,608 elements → 16,777,216 B.
    // Without checkpointing: 2·134,217,728 + 16,777,216 = 285,212,672 B.
    // With: block inputs 2·b·h/G_x·2 B = 16,777,216 + one layer 134,217,728 + final 16,777,216 = 167,772,160 B.
    assert.deepEqual(
      { w: a.memory.weights, g: a.memory.gradients, o: a.memory.optimizer, buf: a.memory.gatherBuffer, no: a.memory.activationsNoCheckpoint, ck: a.memory.activationsCheckpoint, total: a.memory.total },
      { w: 13_107_200, g: 13_107_200, o: 78_643_200, buf: 0, no: 285_212_672, ck: 167_772_160, total: 390_070_272 },
    );
    // data=1 x=2 y=2 z=2 with checkpointing forced: the shard is 8 ways → weights 6,553,600,
    // gradients 6,553,600, optimizer 39,321,600; gather buffers for two layers of the largest
    // block (4096·1024/(G_x·G_y) = 1,048,576 elements) = 4,194,304 B; b = 16384/2 = 8192 again,
    // so activations are the 167,772,160 B above. Total 224,395,264 B.
    const b = evaluateSplit(parsePlanInput({ model: toy, cluster: cluster8, engine: { checkpointing: 'always' } }), { data: 1, x: 2, y: 2, z: 2 });
    assert.ok(!isDropped(b));
    assert.equal(b.checkpointing, true);
    assert.deepEqual([b.memory.weights, b.memory.optimizer, b.memory.gatherBuffer, b.memory.activations, b.memory.total], [6_553_600, 39_321_600, 4_194_304, 167_772_160, 224_395_264]);
    // Checkpointing recomputes the forward in the backward: 3 × forward (same per-GPU FLOPs as
    // above, 2.83467841536e-3 s) + the forward = 4 × 2.83467841536e-3 = 1.133871366144e-2 s.
    close(b.computeSeconds, 1.133871366144e-2, 'compute with recompute');
  });

  it('takes the fewest micro-batches that fit, and gathers weights once per micro-batch', () => {
    // data=8, b = 2048 tokens. Fixed memory 26,214,400 params × (2 + 2 + 12) B = 419,430,400 B.
    // Activations, one micro-batch: per layer 4·2048·1024 + 2048·3072 + 2048·1024 + 2·2048·4096
    // = 33,554,432 elements → 67,108,864 B; ×2 layers + final (2048·1024 + 2048·1024)·2 = 8,388,608
    // → 142,606,336 B. Checkpointed: 2·2048·1024·2 + 67,108,864 + 8,388,608 = 83,886,080 B.
    // Two micro-batches without checkpointing: 71,303,168 B.
    // 0.52 GiB × 0.9 = 502,511,124 B usable: 419,430,400 + 83,886,080 = 503,316,480 does not fit,
    // 419,430,400 + 71,303,168 = 490,733,568 does → 2 micro-batches, no checkpointing.
    const tight = parsePlanInput({ model: toy, cluster: { ...cluster8, memoryGiB: 0.52 }, engine: { overlap: noOverlap } });
    const a = evaluateSplit(tight, { data: 8, x: 1, y: 1, z: 1 });
    assert.ok(!isDropped(a));
    assert.deepEqual([a.microBatches, a.checkpointing, a.memory.activations, a.memory.total], [2, false, 71_303_168, 490_733_568]);
    // The data all-reduce runs once per step whatever the micro-batches: 2.29376e-3 s (see below).
    close(a.commSeconds, 2.29376e-3, 'data all-reduce once');
    // data=1 z=8 with two micro-batches forced: all-gathers of 52,428,800 B over 8 ranks at
    // 40 GB/s (1.14688e-3 s each) twice per micro-batch = 4.58752e-3 s, reduce-scatters once per
    // micro-batch = 2.29376e-3 s → 6.88128e-3 s of communication.
    const b = evaluateSplit(parsePlanInput({ model: toy, cluster: cluster8, engine: { overlap: noOverlap, microBatches: 2 } }), { data: 1, x: 1, y: 1, z: 8 });
    assert.ok(!isDropped(b));
    close(b.commSeconds, 6.88128e-3, 'Z collectives per micro-batch');
    close(b.stepSeconds, 7.47324309504e-3 + 6.88128e-3, 'step');
  });

  it('chooses pure data parallelism when nothing overlaps, as worked out by hand', () => {
    const r = plan(parsePlanInput({ model: toy, cluster: cluster8, engine: { overlap: noOverlap } }));
    // 8 = 2^3 has C(6,3) = 20 ordered power-of-two factorizations; all divide the toy shape and fit.
    assert.equal(r.enumerated, 20);
    assert.equal(r.ranked.length, 20);
    // data=8: one all-reduce of all 26,214,400·2 = 52,428,800 B over 8 ranks, stride 1 across
    // two nodes → one group per node gets 4·10 = 40 GB/s: 2·7/8·52,428,800/40e9 = 2.29376e-3 s.
    // Compute, forward: linear 107,374,182,400 + attention 137,438,953,472/8 = 17,179,869,184
    // → 124,554,051,584/5e13 = 2.49108103168e-3 s; step compute 3× = 7.47324309504e-3 s.
    // Step 7.47324309504e-3 + 2.29376e-3 = 9.76700309504e-3 s.
    const [first, second] = r.ranked;
    assert.equal(splitLabel(first!.split), 'data=8 x=1 y=1 z=1');
    close(first!.stepSeconds, 9.76700309504e-3, 'data=8 step');
    // Runner-up data=2 x=1 y=2 z=2 (b = 4096): Y (stride 1) and Z (stride 2, span 4) inside a node
    // at 100 GB/s, data (stride 4) at 10 GB/s.
    //   all-gather weights: 26,214,400/2 elements · 2 B = 26,214,400 B per pass, ½·M/β = 1.31072e-4 s, ×2 passes
    //   reduce-scatter: 1.31072e-4; data all-reduce of 13,107,200 B at 10 GB/s: 1.31072e-3
    //   outputs (attn_out, mlp_down over Y, 4 calls of 4096·1024·2 = 8,388,608 B): 4 · 8.388608e-5 = 3.3554432e-4
    //   input grads (qkv, mlp_up, lm_head over Y, 5 calls): 4.194304e-4
    //   = 2.45891072e-3 s; same compute → step 9.93215381504e-3 s.
    assert.equal(splitLabel(second!.split), 'data=2 x=1 y=2 z=2');
    close(second!.commSeconds, 2.45891072e-3, 'runner-up communication');
    close(second!.stepSeconds, 9.93215381504e-3, 'runner-up step');
  });

  it('with overlap, hides all collectives of the Z splits and breaks the tie by memory', () => {
    const r = plan(parsePlanInput({ model: toy, cluster: cluster8 }));
    // data=1 x=1 y=1 z=8: all-gather of 52,428,800 B over 8 ranks at 40 GB/s = 1.14688e-3 s per
    // pass, below the 2.49e-3 s forward; backward all-gather + reduce-scatter 2.29376e-3 s below
    // 4.98e-3 s → step = compute = 7.47324309504e-3 s, as for data=8 and the splits in between.
    // Memory: 6,553,600 + 6,553,600 + 39,321,600 + buffers 2·4,194,304·2 = 16,777,216 +
    // activations at b = 2048: per layer 33,554,432 elements → 67,108,864 B ×2 + final
    // (2048·1024 + 2048·1024)·2 = 8,388,608 → 142,606,336 B. Total 211,812,352 B, the least.
    const first = r.ranked[0]!;
    assert.equal(splitLabel(first.split), 'data=1 x=1 y=1 z=8');
    close(first.stepSeconds, 7.47324309504e-3, 'step');
    close(first.exposedSeconds, 0, 'exposed');
    assert.equal(first.memory.total, 211_812_352);
    assert.deepEqual(r.ranked.slice(0, 4).map((e) => e.split.z), [8, 4, 2, 1], 'the tied splits are ordered by memory');
  });
});

describe('toy model on 64 GPUs', () => {
  it('ranks by hand-computed communication when nothing overlaps', () => {
    const r = plan(parsePlanInput({ model: toy, cluster: cluster64, engine: { overlap: noOverlap } }));
    // 64 = 2^6: C(9,3) = 84 factorizations. Dropped: G_y = 16, 32, 64 do not divide 8 heads
    // (10 splits), and G_data·G_z = 32 or 64 does not divide batch 16 (19 splits).
    assert.equal(r.enumerated, 84);
    assert.deepEqual(Object.fromEntries(r.dropped.map((d) => [d.reason, d.count])), { batch: 19, heads: 10 });
    // Winner data=16 x=1 y=4 z=1, b = 16384/16 = 1024 tokens:
    //   Y (stride 1, span 4) inside a node at 200 GB/s; all-reduce over 4: 2·¾·M/β.
    //   outputs: attn_out, mlp_down ×2 each, 1024·1024·2 = 2,097,152 B → 1.572864e-5 s × 4 = 6.291456e-5
    //   input grads: qkv, mlp_up ×2 each + lm_head, 2,097,152 B → 1.572864e-5 × 5 = 7.86432e-5
    //   data (stride 4, span 64): 4 data groups share a node's 8×25 GB/s → 50 GB/s;
    //   26,214,400/4 · 2 B = 13,107,200 B → 2·15/16·13,107,200/50e9 = 4.9152e-4
    //   communication 6.3307776e-4 s.
    // Compute, forward: 858,993,459,200/64 + 137,438,953,472/64 = 15,569,256,448 FLOPs → 3.1138512896e-4 s; ×3 = 9.3415538688e-4.
    const [first, second] = r.ranked;
    assert.equal(splitLabel(first!.split), 'data=16 x=1 y=4 z=1');
    const t = totals(first!);
    close(t['allReduceOutputs:y']!, 6.291456e-5, 'outputs');
    close(t['allReduceInputGrads:y']!, 7.86432e-5, 'input grads');
    close(t['allReduceData:data']!, 4.9152e-4, 'data');
    close(first!.computeSeconds, 9.3415538688e-4, 'compute');
    close(first!.stepSeconds, 1.56723314688e-3, 'step');
    // Runner-up data=8 x=1 y=4 z=2: Z (stride 4, span 8) inside a node at 200 GB/s; data (stride 8) at 25 GB/s.
    //   all-gather: 13,107,200 B per pass, ½·M/200e9 = 3.2768e-5 ×2; reduce-scatter 3.2768e-5;
    //   data: 6,553,600 B → 2·7/8·6,553,600/25e9 = 4.58752e-4; outputs and input grads as above.
    //   = 6.9861376e-4 s → step 1.63276914688e-3 s.
    assert.equal(splitLabel(second!.split), 'data=8 x=1 y=4 z=2');
    close(second!.commSeconds, 6.9861376e-4, 'runner-up communication');
    close(second!.stepSeconds, 1.63276914688e-3, 'runner-up step');
  });

  it('drops what does not fit and picks the Z-sharded split that does', () => {
    // 1/16 GiB per GPU, 90% usable = 60,397,977.6 B. data=16 x=1 y=4 z=1 needs 13,107,200 +
    // 13,107,200 + 78,643,200 (weights, grads, optimizer over 4) + activations (b = 1024, per layer
    // 4,194,304 + 786,432 + 262,144 + 1,048,576 + 1,048,576 = 7,340,032 elements → 14,680,064 B,
    // ×2 + final (1,048,576 + 262,144)·2 = 31,981,568 B) = 136,839,168 B: dropped.
    const r = plan(parsePlanInput({ model: toy, cluster: { ...cluster64, memoryGiB: 1 / 16 }, engine: { overlap: noOverlap } }));
    assert.ok(r.dropped.some((d) => d.reason === 'memory'));
    assert.ok(!r.ranked.some((e) => splitLabel(e.split) === 'data=16 x=1 y=4 z=1'));
    // Winner data=1 x=1 y=4 z=16: Z (stride 4, span 64) crosses nodes, 4 groups per node → 50 GB/s.
    //   all-gather 13,107,200 B per pass: 15/16·M/50e9 = 2.4576e-4 ×2; reduce-scatter 2.4576e-4;
    //   outputs 6.291456e-5 and input grads 7.86432e-5 as above → 8.7883776e-4 s; step 1.81299314688e-3 s.
    // Memory: 26,214,400·(2 + 2 + 12)/64 = 6,553,600 + buffers 2·(4096·1024/4)·2 = 4,194,304
    //   + activations 31,981,568 = 42,729,472 B.
    const first = r.ranked[0]!;
    assert.equal(splitLabel(first.split), 'data=1 x=1 y=4 z=16');
    close(first.commSeconds, 8.7883776e-4, 'communication');
    close(first.stepSeconds, 1.81299314688e-3, 'step');
    assert.equal(first.memory.total, 42_729_472);
  });
});
