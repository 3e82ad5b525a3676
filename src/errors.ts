// fathom's error hierarchy. A message names the argument and the operation, and ends with a
// hint that fixes it (CONVENTIONS.md 12). Expected outcomes (an unparsed answer, a failed judge)
// are results with a status, never these exceptions.

/** The base of every error fathom throws on purpose. `exitCode` is what the CLI exits with. */
export class FathomError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number = 1;

  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super(hint ? `${message}. Hint: ${hint}` : message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad command-line usage: unknown flag, missing argument, malformed value. Exit code 2. */
export class UsageError extends FathomError {
  override readonly exitCode: number = 2;
}

/** A config file or override that does not validate. Exit code 2, like other usage errors. */
export class ConfigError extends UsageError {}

/** Tensors whose shapes don't fit an op. */
export class ShapeError extends FathomError {}

/** Tensors whose dtypes don't fit an op. */
export class DTypeError extends FathomError {}

/** The run store or an artifact on disk is missing, unreadable or inconsistent. */
export class StoreError extends FathomError {}

/** Something fathom needs is not installed or not built (a native addon, Chromium, bubblewrap). */
export class MissingDependencyError extends FathomError {}

/** An option or path that is declared but not implemented: an error, never a silent no-op. */
export class NotImplementedError extends FathomError {}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if it is close enough to be a likely typo. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
