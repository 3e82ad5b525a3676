// Sandbox cost (issue 7's benchmark): median wall ms of one run of a small C++ program spawned
// bare, in fathom's sandbox, and in the plain bwrap + prlimit wrapper the issue measured (≈9 ms
// over bare on a quiet 2-core machine, ≈100 runs/s with 2 workers); then sandboxed runs/s with
// a warm compile cache. Aim: fathom's overhead ≤ 10 ms, i.e. no more than the plain wrapper's,
// while it also drops root to uid 65534, remounts / read-only, caps /tmp and measures rusage.
// Run: node --import tsx bench/sandbox.ts [runs] [workers]   (same as `fathom bench sandbox`)
import { runSandboxBench } from '../src/sandbox/bench.js';

const runs = Number(process.argv[2] ?? 200);
const workers = Number(process.argv[3] ?? 2);
const r = await runSandboxBench({ runs, workers });
console.log(JSON.stringify(r, null, 2));
console.log(`overhead over bare: fathom ${r.overheadMs} ms, plain bwrap+prlimit ${r.peerOverheadMs ?? '-'} ms (ratio ${r.overheadRatio ?? '-'}); ${r.runsPerSecond} sandboxed runs/s with ${r.workers} workers`);
