// Entry point of the bench stub's own process: `node stub-main.js <delayMs>` prints the URL on
// stdout and serves until SIGTERM.
import { startStub } from './stub.js';

const delayMs = Number(process.argv[2] ?? 0);
const stub = await startStub(Number.isFinite(delayMs) && delayMs >= 0 ? delayMs : 0);
process.stdout.write(`${stub.url}\n`);
process.on('SIGTERM', () => void stub.close().then(() => process.exit(0)));
