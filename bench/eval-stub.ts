// The local OpenAI-compatible stub of the eval throughput bench, in its own process (as a real
// server would be): answers every chat completion after `delayMs`. Prints its URL on stdout.
// Run: node --import tsx bench/eval-stub.ts [delayMs]  (the same stub `fathom bench eval` starts)
import '../src/eval/bench/stub-main.js';
