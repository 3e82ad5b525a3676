// Done-when 2 of issue 6: an eval killed with SIGKILL at three different points and resumed ends
// with results identical to an uninterrupted run, and no finished item is requested twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Stages } from '../../src/eval/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { arithmeticItems, gradingAnswer } from '../helpers/llm-grader.js';
import { startLlmServer, type LlmServer } from '../helpers/llm-server.js';

const CHILD = new URL('./fixtures/eval-child.ts', import.meta.url).pathname;
const ITEMS = arithmeticItems(120);

/** Runs the child until it finishes, or kills it with SIGKILL once the server has seen `killAt` requests. */
function runChild(server: LlmServer & { onRequest?: (() => void) | undefined }, args: string[], killAt?: number): Promise<{ runId: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    if (killAt !== undefined) {
      server.onRequest = () => {
        if (!killed && server.requests >= killAt) {
          killed = true;
          child.kill('SIGKILL');
        }
      };
    }
    child.on('exit', (code) => {
      server.onRequest = undefined;
      const runId = out.split('\n')[0]!.trim();
      if (killed) resolve({ runId, killed });
      else if (code === 0 && out.includes('done')) resolve({ runId, killed });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

const finishedItems = (dir: string, runId: string): Map<string, Stages> => {
  const store = new Store(dir);
  try {
    return new Map(store.items(runId).filter((i) => (i.stages as unknown as Stages).score).map((i) => [i.itemId, i.stages as unknown as Stages]));
  } finally {
    store.close();
  }
};

const outcome = (s: Stages) => ({ response: s.response!.text, extracted: s.extracted!.answer, match: s.verdict!.match, score: s.score });

describe('SIGKILL during an eval run, then resume', () => {
  it('ends identical to an uninterrupted run, never re-requesting a finished item', async () => {
    let hook: (() => void) | undefined;
    const server = (await startLlmServer({ answer: (b) => { hook?.(); return gradingAnswer(b); }, delayMs: 2 })) as LlmServer & { onRequest?: (() => void) | undefined };
    Object.defineProperty(server, 'onRequest', { set: (f: (() => void) | undefined) => (hook = f), get: () => hook });
    const data = join(tempDir(), 'items.jsonl');
    writeFileSync(data, ITEMS.map((it) => JSON.stringify(it)).join('\n'));
    try {
      // The reference: one uninterrupted run.
      const refDir = tempDir();
      const ref = await runChild(server, [refDir, server.url, data]);
      const reference = finishedItems(refDir, ref.runId);
      assert.equal(reference.size, ITEMS.length);

      const dir = tempDir();
      // Of ~240 requests. Items are written in batches of 16 (or every 20 ms) and at most 8 are in
      // flight, so 60 requests touch more than 16 items: at least one batch with finished items has
      // been written before the first kill, whatever the machine's speed. Each later child makes 70
      // requests, enough for another batch; 200 requests cannot finish all 120 items.
      const killPoints = [60, 130, 200];
      const first = await runChild(server, [dir, server.url, data], server.requests + killPoints[0]!);
      assert.ok(first.killed);
      const runId = first.runId;
      const base = server.requests - killPoints[0]!; // kill points count from the first child's start
      const sizes: number[] = [];
      for (const [k, point] of killPoints.entries()) {
        const finished = finishedItems(dir, runId);
        sizes.push(finished.size);
        const from = server.log.length;
        const last = k === killPoints.length - 1;
        const next = await runChild(server, [dir, server.url, data, runId], last ? undefined : base + killPoints[k + 1]!);
        assert.equal(next.killed, !last);
        // No item that was finished at the kill was requested again (candidate or matcher).
        for (const entry of server.log.slice(from)) {
          const q = /What is \d+ \+ \d+\?/.exec(entry.key)![0];
          const id = ITEMS.find((it) => it.question === q)!.id;
          assert.ok(!finished.has(id), `finished item ${id} was requested again after the kill at ${point}`);
        }
      }
      // Each kill left some items finished and some not: the points are really mid-run.
      assert.ok(sizes[0]! > 0 && sizes.every((n, i) => n < ITEMS.length && (i === 0 || n > sizes[i - 1]!)), `finished at the kills: ${sizes.join(', ')}`);
      const resumed = finishedItems(dir, runId);
      assert.equal(resumed.size, ITEMS.length);
      for (const [id, s] of reference) assert.deepEqual(outcome(resumed.get(id)!), outcome(s), id);
      const store = new Store(dir);
      try {
        assert.equal(store.getRun(runId).status, 'completed');
      } finally {
        store.close();
      }
    } finally {
      await server.close();
    }
  });
});
