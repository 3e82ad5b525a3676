// Crash safety, end to end through the CLI: a training process killed with SIGKILL right after
// a checkpoint, then `fathom train --resume <run>`, logs exactly the losses (and validation
// losses) of an uninterrupted run with the same config. Also: SIGINT stops with a checkpoint
// and exit code 130, and --resume reports a run without checkpoints clearly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Store } from '../../src/store/index.js';
import { CLI, ROOT, fathom, tempDir } from '../helpers/cli.js';

const dir = tempDir();
const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, 'It was the best of times, it was the worst of times, it was the age of wisdom. '.repeat(60));
const SETS = [
  `data.corpus=${corpus}`, 'model.layers=1', 'model.dim=16', 'model.heads=2', 'model.contextLength=16', 'batch.size=4',
  'budget.steps=200', 'eval.every=40', 'eval.batches=2', 'checkpoint.every=20', 'checkpoint.keep=50',
  'averaging.use=[ema,lawa]', 'schedule.warmup=10',
].flatMap((s) => ['--set', s]);

function startTrain(workspace: string, args: readonly string[]) {
  return spawn(process.execPath, ['--import', 'tsx', CLI, 'train', '--workspace', workspace, '--no-progress', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

function latestCheckpoint(workspace: string): string | undefined {
  const artifacts = join(workspace, 'artifacts');
  if (!existsSync(artifacts)) return undefined;
  for (const run of readdirSync(artifacts)) {
    const p = join(artifacts, run, 'checkpoints', 'latest.json');
    if (existsSync(p)) return run;
  }
  return undefined;
}

/** Starts training, waits for its first checkpoint, then sends `signal`; resolves with the run id and exit. */
async function interrupt(workspace: string, signal: NodeJS.Signals): Promise<{ runId: string; code: number | null; stdout: string; stderr: string }> {
  const child = startTrain(workspace, SETS);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let runId: string | undefined;
  const deadline = Date.now() + 60_000;
  while (!(runId = latestCheckpoint(workspace))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`training ended before its first checkpoint: ${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill(signal);
  return { runId, code: await exited, stdout, stderr };
}

function curve(workspace: string, runId: string, name: string): Array<[number, number]> {
  const store = new Store(workspace);
  try {
    return store.metrics(runId, name).map((m) => [m.step, m.value]);
  } finally {
    store.close();
  }
}

test('SIGKILL after a checkpoint, then --resume: the logged losses equal the uninterrupted run exactly', { timeout: 180_000 }, async () => {
  const ws = tempDir();
  const killed = await interrupt(ws, 'SIGKILL');
  assert.equal(killed.code, null, 'the process died by the signal');
  const store = new Store(ws);
  const record = store.getRun(killed.runId);
  store.close();
  assert.equal(record.status, 'interrupted', 'the store marks the dead run interrupted');
  const resumeStep = JSON.parse(readFileSync(join(ws, 'artifacts', killed.runId, 'checkpoints', 'latest.json'), 'utf8')).step as number;
  assert.ok(resumeStep < 200, `killed before the end (checkpoint at ${resumeStep})`);

  const resumed = fathom(['train', '--workspace', ws, '--no-progress', '--resume', killed.runId], { env: {} });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming run ${killed.runId} from step ${resumeStep}`));
  const full = fathom(['train', '--workspace', ws, '--no-progress', '--json', ...SETS]);
  assert.equal(full.code, 0, full.stderr);
  const fullId = (JSON.parse(full.stdout) as { runId: string }).runId;

  for (const name of ['loss', 'val_loss', 'val_loss_ema', 'val_loss_lawa', 'grad_norm', 'lr']) {
    const a = curve(ws, killed.runId, name);
    const b = curve(ws, fullId, name);
    assert.ok(b.length > 0, name);
    assert.deepEqual(a, b, `${name}: every logged value equals the uninterrupted run's`);
  }
  assert.ok(curve(ws, fullId, 'loss').filter(([s]) => s > resumeStep).length > 0, 'steps after the resume point are compared');
});

test('SIGINT saves a checkpoint and exits 130 with a resume hint', { timeout: 120_000 }, async () => {
  const ws = tempDir();
  const stopped = await interrupt(ws, 'SIGINT');
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`resume with: fathom train --resume ${stopped.runId}`));
  const store = new Store(ws);
  const record = store.getRun(stopped.runId);
  store.close();
  assert.equal(record.status, 'interrupted');
  assert.match(record.error ?? '', /stopped by SIGINT at step \d+; continue with fathom train --resume/);
});

test('--resume errors: a run without checkpoints; --set with --resume', () => {
  const ws = tempDir();
  const store = new Store(ws);
  const run = store.createRun({ kind: 'train' });
  run.finish('failed');
  store.close();
  const r = fathom(['train', '--workspace', ws, '--resume', run.id]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`--resume ${run.id}: run ${run.id} saved no checkpoint`));
  const both = fathom(['train', '--workspace', ws, '--resume', run.id, '--set', 'optim.lr=1']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--resume uses the run's stored config, so --config and --set cannot be combined with it/);
  const bad = fathom(['train', '--workspace', ws, '--set', 'optim.lrr=1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown key "lrr" under "optim".*did you mean "lr"\?/);
});
