// Rule-based answer matching: normalised exact match (SQuAD-style normalisation), numbers with a
// relative tolerance (the paper's matcher rule: within 1%), and the paper's "a range never matches
// a single value". `ruleVerdict` decides only the clear cases and says so, which is what the
// cascade matcher needs: everything it leaves undecided goes to the model.

/** Lower case, NFKC, LaTeX wrappers and punctuation off (decimal points and signs kept), articles dropped, spaces collapsed. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\\(?:text|mathrm|textbf|mathbf)\{([^}]*)\}/g, '$1')
    .replace(/\$|\\[,;!]/g, ' ')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .replace(/[^\p{L}\p{N}\s.%/+-]/gu, ' ')
    .replace(/\b(?:a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Quantity {
  value: number;
  /** What follows the number, normalised ('' for a bare number). */
  unit: string;
}

const NUMBER = String.raw`[-+−]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?`;
const QUANTITY = new RegExp(String.raw`^(${NUMBER})(?:\s*/\s*(${NUMBER}))?\s*(%|[\p{L}/][\p{L}\d/ ]*)?$`, 'u');
const RANGE = new RegExp(String.raw`^${NUMBER}\s*(?:-|–|to)\s*${NUMBER}(?:\s*[\p{L}%/][\p{L}\d/ ]*)?$`, 'u');
const ISO_DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;

/** The answer as one number with an optional unit ("3/4", "1.5e3 m", "12 %"); undefined when it is anything else. */
export function parseQuantity(text: string): Quantity | undefined {
  const s = normalizeAnswer(text).replace(/−/g, '-');
  const m = QUANTITY.exec(s);
  if (!m) return undefined;
  let value = Number(m[1]);
  if (m[2] !== undefined) value /= Number(m[2]);
  if (!Number.isFinite(value)) return undefined;
  return { value, unit: (m[3] ?? '').trim() };
}

/** "3-5", "3 to 5 m", "10–12%": two numbers joined as a range (an ISO date such as 2024-09-02 is not one). */
export function isRange(text: string): boolean {
  const s = normalizeAnswer(text);
  return !ISO_DATE.test(s) && RANGE.test(s);
}

export function withinTolerance(a: number, b: number, rel: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

export type RuleVerdict = { decided: true; match: boolean; method: 'exact' | 'numeric' | 'range' } | { decided: false };

/** The clear cases only: equal after normalisation; a range against a single value; two numbers in the same unit. */
export function ruleVerdict(answer: string, reference: string, relTolerance = 0.01): RuleVerdict {
  const a = normalizeAnswer(answer);
  const r = normalizeAnswer(reference);
  if (a.length > 0 && a === r) return { decided: true, match: true, method: 'exact' };
  const qa = parseQuantity(answer);
  const qr = parseQuantity(reference);
  if (isRange(answer) !== isRange(reference) && (qa || qr)) return { decided: true, match: false, method: 'range' };
  if (qa && qr && qa.unit === qr.unit) return { decided: true, match: withinTolerance(qa.value, qr.value, relTolerance), method: 'numeric' };
  return { decided: false };
}
