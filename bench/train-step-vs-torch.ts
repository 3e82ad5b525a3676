// fathom's train step beside PyTorch's, in one run on one machine, and their ratio.
//   node --import tsx bench/train-step-vs-torch.ts [--arch gpt2|llama] [--rounds 3] [--steps 10] [--json]
// The peer is ../shared/bench/torch_gpt.py run with its best threading on 2 cores
// (OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=1, --threads 1); Debian's python3-torch must be installed.
// fathom runs as the fathom command does, with node --single-threaded-gc (README: the tensor engine).
// Rounds alternate fathom and PyTorch so that a busy machine slows both alike; each side's best
// median step over the rounds is compared.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const arch = flag('arch', 'gpt2');
const rounds = Number(flag('rounds', '3'));
const steps = flag('steps', '10');
const shape = ['--layers', '6', '--heads', '8', '--ctx', '128', '--vocab', '256', '--batch', '16', '--steps', steps];

const root = fileURLToPath(new URL('..', import.meta.url));
const peer = fileURLToPath(new URL('../../shared/bench/torch_gpt.py', import.meta.url));
const python = '/usr/bin/python3';
if (!existsSync(peer)) {
  console.error(`bench: the PyTorch peer ${peer} is not here (it lives in ../shared/bench); run this from a checkout beside shared/`);
  process.exit(1);
}
if (!existsSync('/usr/lib/python3/dist-packages/torch/__init__.py')) {
  console.error('bench: PyTorch is not installed for /usr/bin/python3. Install it with: apt-get install -y python3-torch');
  process.exit(1);
}

function runJson(cmd: string, argv: readonly string[], env: Record<string, string>): Record<string, unknown> {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  // The JSON document (one line or pretty-printed) starts at the first line that opens an object.
  const lines = r.stdout.trim().split('\n');
  const start = lines.findIndex((l) => l.startsWith('{'));
  if (start < 0) throw new Error(`${cmd} ${argv.join(' ')} printed no JSON:\n${r.stdout}`);
  return JSON.parse(lines.slice(start).join('\n')) as Record<string, unknown>;
}

const fathomRuns: Record<string, unknown>[] = [];
const torchRuns: Record<string, unknown>[] = [];
for (let i = 0; i < rounds; i++) {
  fathomRuns.push(runJson(process.execPath, ['--single-threaded-gc', '--import', 'tsx', 'src/cli/main.ts', '--quiet', '--json', 'bench', 'train-step', '--arch', arch, '--dim', '256', ...shape], {}));
  torchRuns.push(runJson(python, [peer, '--arch', arch, '--d', '256', '--threads', '1', '--json', ...shape], { OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '1' }));
  process.stderr.write(`round ${i + 1}/${rounds}: fathom ${Number(fathomRuns.at(-1)!.tokens_per_s).toFixed(0)} tok/s, torch ${Number(torchRuns.at(-1)!.tokens_per_s).toFixed(0)} tok/s\n`);
}
const best = (runs: Record<string, unknown>[]): Record<string, unknown> => runs.reduce((a, b) => (Number(b.tokens_per_s) > Number(a.tokens_per_s) ? b : a));
const f = best(fathomRuns);
const t = best(torchRuns);
const ratio = Number(f.tokens_per_s) / Number(t.tokens_per_s);
const summary = {
  arch, rounds,
  fathom: { tokens_per_s: f.tokens_per_s, step_ms_median: f.step_ms_median, backend: f.backend, blas: f.blas, threads: f.threads, gc: f.gc, loss: f.loss },
  torch: { tokens_per_s: t.tokens_per_s, step_ms_median: t.step_ms_median, version: t.version, threads: t.threads, openblas_threads: t.openblas_threads, loss: t.loss },
  ratio,
};
if (args.includes('--json')) console.log(JSON.stringify(summary));
else {
  console.log(`arch ${arch}, best of ${rounds} rounds (median step each)`);
  console.log(`fathom  ${Number(f.tokens_per_s).toFixed(0).padStart(6)} tokens/s  (${Number(f.step_ms_median).toFixed(1)} ms/step, ${f.backend} ${f.blas ?? ''})`);
  console.log(`torch   ${Number(t.tokens_per_s).toFixed(0).padStart(6)} tokens/s  (${Number(t.step_ms_median).toFixed(1)} ms/step, torch ${t.version})`);
  console.log(`ratio   ${ratio.toFixed(2)}x`);
}
