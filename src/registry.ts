// A named registry: the one mechanism behind fathom's extension points (CLI commands and benches,
// optimizers, averagers, provider types, reproduce experiments, eval scorers and solvers, REFUTE
// solvers, red-team attacks, forecast audit checks). Each entry is registered once by the module
// that defines it, listed in registration order, and looked up by name; a miss gets the closest
// known name as a suggestion in an error its registry words for its users.
import { didYouMean } from './errors.js';

export class Registry<T> {
  private readonly entries = new Map<string, T>();

  /**
   * @param what how a double registration names an entry, e.g. 'optim: optimizer'
   * @param keyOf an entry's name
   */
  constructor(private readonly what: string, private readonly keyOf: (entry: T) => string) {}

  /** Adds `entry`; registering a name twice is a programming error and throws. */
  register(entry: T): void {
    const key = this.keyOf(entry);
    if (this.entries.has(key)) throw new Error(`${this.what} "${key}" is registered twice`);
    this.entries.set(key, entry);
  }

  /** Every entry, in registration order. */
  all(): T[] {
    return [...this.entries.values()];
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The entry called `name`; otherwise throws `unknown(name, the known names, the closest one if it looks like a typo)`. */
  get(name: string, unknown: (name: string, known: string[], guess: string | undefined) => Error): T {
    const entry = this.entries.get(name);
    if (entry !== undefined) return entry;
    const known = this.names();
    throw unknown(name, known, didYouMean(name, known));
  }
}
