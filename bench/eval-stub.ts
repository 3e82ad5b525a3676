// The local OpenAI-compatible stub of the eval throughput bench, in its own process (as a real
// server would be): answers every chat completion after `delayMs`. Prints its URL on stdout.
import { startLlmServer } from '../test/helpers/llm-server.js';

const delayMs = Number(process.argv[2] ?? 0);
const server = await startLlmServer({ delayMs, answer: (_, key) => `The answer is <answer>${/What is (\d+) \+ (\d+)/.exec(key)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0}</answer>` });
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
