// `fathom plan` as users run it: ranked JSON with the full breakdown and a launch script on disk
// (in a child process), then the text table and usage errors with exit code 2 (in process, to
// keep the suite fast).
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import { fathom, tempDir } from '../helpers/cli.js';

/** Runs the CLI in this process, capturing what it writes. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}

describe('fathom plan', () => {
  it('ranks GPT-3 175B on 4,096 Perlmutter GPUs as JSON and writes the AxoNN launch script', () => {
    const out = join(tempDir(), 'launch.sh');
    const r = fathom(['plan', '--model', 'gpt3-175b', '--cluster', 'perlmutter', '--gpus', '4096', '--top', '3', '--json', '--emit', 'axonn', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      enumerated: number; fit: number; dropped: { reason: string; count: number }[];
      ranked: { rank: number; split: { data: number; x: number; y: number; z: number }; stepSeconds: number; collectives: { collective: string; seconds: number }[]; layers: { layer: string; collectives: unknown[] }[]; memory: { total: number } }[];
      launch: { engine: string; writtenTo: string; worldSize: number };
    };
    assert.equal(j.enumerated, 455);
    assert.equal(j.fit + j.dropped.reduce((s, d) => s + d.count, 0), 455);
    assert.deepEqual(j.ranked.map((e) => e.rank), [1, 2, 3]);
    const best = j.ranked[0]!;
    assert.deepEqual(best.layers.map((l) => l.layer), ['qkv', 'attn_out', 'mlp_up', 'mlp_down', 'lm_head']);
    assert.ok(best.collectives.some((c) => c.collective === 'allGatherWeights' && c.seconds > 0) || best.split.z === 1);
    assert.equal(j.launch.engine, 'axonn');
    assert.equal(j.launch.writtenTo, out);
    const script = readFileSync(out, 'utf8');
    assert.match(script, new RegExp(`export FATHOM_G_DATA=${best.split.data}\nexport FATHOM_G_X=${best.split.x}\nexport FATHOM_G_Y=${best.split.y}\nexport FATHOM_G_Z=${best.split.z}`));
    assert.ok((statSync(out).mode & 0o111) !== 0, 'the launch script is executable');
  });

  it('prints a table with the breakdown of the top rows and the drop counts', async () => {
    const r = await cli(['plan', '--model', 'llama2-7b', '--cluster', 'generic-8gpu', '--gpus', '64', '--top', '2', '--split', 'data=8,x=1,y=8,z=1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Llama-2 7B \(6\.\dB parameters, batch 1024×4096\) on generic 8-GPU nodes: 64 × NVIDIA H100-SXM5 80GB, 8 per node/);
    assert.match(r.stdout, /chosen split:\n#\s+data\s+x\s+y\s+z\s+step s\s+% peak/);
    assert.match(r.stdout, /#1 data=8 x=1 y=8 z=1: compute [\d.]+ s, communication [\d.]+ s/);
    assert.match(r.stdout, /all-reduce outputs Y8 intra 450 GB\/s/);
    assert.match(r.stdout, /all-reduce data-parallel grads DATA8 inter 50 GB\/s/);
    const ranked = await cli(['plan', '--model', 'gpt3-175b', '--cluster', 'perlmutter', '--gpus', '1024', '--top', '2']);
    assert.equal(ranked.code, 0, ranked.stderr);
    assert.match(ranked.stdout, /256 factorizations|286 factorizations/);
    assert.match(ranked.stdout, /\ndropped:\n {2}\w+: \d+ \(e\.g\. data=/);
  });

  it('reads model and cluster files, and names a bad key in them', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.yaml'), 'name: toy\nlayers: 2\nhidden: 1024\nffn: 4096\nheads: 8\nvocab: 1024\nseqLen: 1024\nbatch: 16\ntiedEmbeddings: true\n');
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ name: 'toy8', gpus: 8, gpusPerNode: 4, intraBandwidthGBs: 100, interBandwidthGBs: 10, peakTflops: 100, matmulEfficiency: 0.5, memoryGiB: 16 }));
    const r = await cli(['plan', '--model', join(dir, 'model.yaml'), '--cluster', join(dir, 'cluster.json'), '--json', '--split', 'data=2,x=2,y=2,z=1']);
    assert.equal(r.code, 0, r.stderr);
    // The same split as the hand computation in model.test.ts: 1.009787076608e-2 s per step.
    const j = JSON.parse(r.stdout) as { ranked: { stepSeconds: number }[] };
    assert.ok(Math.abs(j.ranked[0]!.stepSeconds - 1.009787076608e-2) < 1e-12);
    writeFileSync(join(dir, 'bad.yaml'), 'layers: 2\nhidden: 1024\nffn: 4096\nheads: 8\nvocab: 1024\nseqLen: 1024\nbatch: 16\nhiden: 3\n');
    const bad = await cli(['plan', '--model', join(dir, 'bad.yaml'), '--cluster', join(dir, 'cluster.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown key "hiden" under "model" \(valid keys: name, layers, hidden, .*\)\. Hint: did you mean "hidden"\?/);
  });

  it('exits 2 naming the field for an unknown preset, a fractional GPU count or an unknown launcher', async () => {
    const preset = await cli(['plan', '--model', 'gpt3-175b', '--cluster', 'sumit']);
    assert.equal(preset.code, 2);
    assert.match(preset.stderr, /unknown cluster preset "sumit" \(valid presets: perlmutter, frontier, alps, generic-8gpu\)/);
    const gpus = await cli(['plan', '--model', 'gpt3-175b', '--cluster', 'perlmutter', '--gpus', '1.5']);
    assert.equal(gpus.code, 2);
    assert.match(gpus.stderr, /plan: cluster\.gpus: gpus must be a whole number/);
    const emit = await cli(['plan', '--model', 'gpt3-175b', '--cluster', 'perlmutter', '--emit', 'slurm']);
    assert.equal(emit.code, 2);
    assert.match(emit.stderr, /--emit "slurm" is not a launcher \(valid: axonn, torchrun\)/);
  });
});
