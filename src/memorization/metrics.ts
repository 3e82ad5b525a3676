// Extraction metrics of the memorization probe (shared/papers/08-axonn.md; Carlini et al. 2021,
// Hans et al. 2024): exact match (the whole generated suffix equals the true one) and ROUGE-L
// (Lin 2004), the F1 of the longest common subsequence, here over token ids rather than words so
// that it needs no tokenizer and means the same for byte and BPE models.

/** Length of the longest common subsequence of two id sequences (O(|a|·|b|) time, O(|b|) memory). */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = b.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= m; j++) {
      cur[j] = ai === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m]!;
}

export interface RougeL {
  /** LCS / candidate length. */
  precision: number;
  /** LCS / reference length. */
  recall: number;
  /** Harmonic mean of precision and recall (ROUGE-L with β = 1). */
  f1: number;
}

/**
 * ROUGE-L of a candidate against a reference. Two empty sequences are identical (1); one empty
 * against a non-empty one shares nothing (0).
 */
export function rougeL(candidate: ArrayLike<number>, reference: ArrayLike<number>): RougeL {
  if (candidate.length === 0 && reference.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (candidate.length === 0 || reference.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const lcs = lcsLength(candidate, reference);
  const precision = lcs / candidate.length;
  const recall = lcs / reference.length;
  return { precision, recall, f1: lcs === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** True when the candidate is exactly the reference (same length, same ids). */
export function exactMatch(candidate: ArrayLike<number>, reference: ArrayLike<number>): boolean {
  if (candidate.length !== reference.length) return false;
  for (let i = 0; i < reference.length; i++) if (candidate[i] !== reference[i]) return false;
  return true;
}

/** How many leading ids the candidate gets right before its first mismatch. */
export function matchedPrefix(candidate: ArrayLike<number>, reference: ArrayLike<number>): number {
  const n = Math.min(candidate.length, reference.length);
  let i = 0;
  while (i < n && candidate[i] === reference[i]) i++;
  return i;
}
