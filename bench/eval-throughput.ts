// Eval throughput (issue 6's benchmark), the script form of `fathom bench eval`: 1,000 free-form
// items, `contains` scorer, concurrency 32, against a local OpenAI-compatible stub (its own
// process) answering after 0 ms and after 50 ms: items/s, CPU ms per item and peak RSS, every
// stage stored, beside the stub's own rate at the same concurrency and the ratio.
// Run: node --import tsx bench/eval-throughput.ts [items] [delays, e.g. 0,50] [repeats]
// Reference (issue 6): promptfoo 0.121 on this setup 61–70 items/s; the stub alone 2,497 items/s
// at 0 ms and 581 at 50 ms. Aim: ≥ 500 items/s at 0 ms, ≥ 85% of the stub's rate at 50 ms.
import { runEvalBench } from '../src/eval/bench/throughput.js';

const result = await runEvalBench({
  items: Number(process.argv[2] ?? 1000),
  delays: (process.argv[3] ?? '0,50').split(',').map(Number),
  repeats: Number(process.argv[4] ?? 1),
  onStage: (m) => process.stderr.write(`${m}\n`),
});
console.log(`eval throughput: ${result.items} free-form items, contains scorer, concurrency ${result.concurrency}, every stage stored (node ${result.node})`);
for (const r of result.runs) {
  console.log(`stub delay ${String(r.delayMs).padStart(3)} ms, run ${r.repeat}: ${r.itemsPerSec.toFixed(0)} items/s (stub alone ${r.stubItemsPerSec.toFixed(0)}/s, ${(100 * r.ratio).toFixed(0)}%), ` +
    `${r.cpuMsPerItem.toFixed(2)} CPU ms/item, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ${r.stored} items stored, accuracy ${r.accuracy}`);
}
