// Input checks shared by the plot builders. Each failure is a FathomError that names the plot
// function, the field and the index, and ends with a hint (CONVENTIONS.md 12): a NaN that
// reached a plot is a bug upstream, and vega would otherwise drop or misplace it silently.

import { FathomError } from '../errors.js';

/** Describes a value for an error message without dumping a whole array. */
function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}

/** Checks that `values` is an array of finite numbers, all > 0 when they sit on a log axis. */
export function checkNumbers(op: string, field: string, values: unknown, logAxis?: 'x' | 'y'): readonly number[] {
  if (!Array.isArray(values)) {
    throw new FathomError(`${op}: ${field} is ${describe(values)}, not an array of numbers`, `pass ${field} as number[]`);
  }
  values.forEach((v: unknown, i) => {
    if (typeof v !== 'number') {
      throw new FathomError(`${op}: ${field}[${i}] is ${describe(v)}, not a number`, `convert ${field} to numbers before plotting`);
    }
    if (!Number.isFinite(v)) {
      throw new FathomError(
        `${op}: ${field}[${i}] is ${describe(v)}`,
        'drop or fix non-finite points before plotting (a NaN usually means a diverged run or an empty average)',
      );
    }
    if (logAxis !== undefined && v <= 0) {
      throw new FathomError(
        `${op}: ${field}[${i}] is ${v}, which a log ${logAxis} axis cannot show`,
        `drop points ≤ 0 or turn off ${logAxis === 'x' ? 'logX' : 'logY'}`,
      );
    }
  });
  return values as number[];
}

/** Checks that two arrays that describe the same points have the same length. */
export function checkSameLength(
  op: string,
  fieldA: string,
  a: readonly unknown[],
  fieldB: string,
  b: readonly unknown[],
): void {
  if (a.length !== b.length) {
    throw new FathomError(
      `${op}: ${fieldA} has ${a.length} values but ${fieldB} has ${b.length}`,
      `give ${fieldB} one value per entry of ${fieldA}`,
    );
  }
}

/** Checks that an array has at least one element. */
export function checkNonEmpty(op: string, field: string, values: readonly unknown[]): void {
  if (values.length === 0) throw new FathomError(`${op}: ${field} is empty`, `pass at least one entry in ${field}`);
}

/** Checks a list of labels: strings, none repeated (vega would merge repeated labels into one
 * band and hide a row or a series without a word). */
export function checkLabels(op: string, field: string, labels: unknown): readonly string[] {
  if (!Array.isArray(labels)) {
    throw new FathomError(`${op}: ${field} is ${describe(labels)}, not an array of strings`, `pass ${field} as string[]`);
  }
  const seen = new Set<string>();
  labels.forEach((label: unknown, i) => {
    if (typeof label !== 'string') {
      throw new FathomError(`${op}: ${field}[${i}] is ${describe(label)}, not a string`, `convert ${field} to strings`);
    }
    if (seen.has(label)) {
      throw new FathomError(`${op}: ${field} has ${describe(label)} twice (at ${labels.indexOf(label)} and ${i})`, `make the names in ${field} unique`);
    }
    seen.add(label);
  });
  return labels as string[];
}

/** Checks an optional positive size (width, height, bins). */
export function checkPositive(op: string, field: string, value: number | undefined, integer = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new FathomError(`${op}: ${field} is ${describe(value)}`, `pass a positive ${integer ? 'integer' : 'number'}`);
  }
}

/** An uncertainty interval given either as explicit `low`/`high` bounds or as a standard error. */
export interface IntervalFields {
  readonly low?: readonly number[] | undefined;
  readonly high?: readonly number[] | undefined;
  readonly stderr?: readonly number[] | undefined;
}

/** What the caller calls the interval fields, for messages (`yLow`, `yHigh`, `yErr` in a scatter). */
export interface IntervalNames {
  readonly center: string;
  readonly low: string;
  readonly high: string;
  readonly stderr: string;
}

const defaultNames: IntervalNames = { center: 'y', low: 'low', high: 'high', stderr: 'stderr' };

/**
 * Resolves `low`/`high` or `stderr` around `center` into bounds, or undefined when neither is
 * given. `stderr` gives center ± scale·stderr. Checks lengths, finiteness, low ≤ high, and
 * bounds > 0 on a log axis. `prefix` names the owner (`series "adam"`).
 */
export function resolveInterval(
  op: string,
  prefix: string,
  center: readonly number[],
  fields: IntervalFields,
  options: { scale?: number; logAxis?: 'x' | 'y' | undefined; names?: IntervalNames } = {},
): { low: number[]; high: number[] } | undefined {
  const { low, high, stderr } = fields;
  const { scale = 1, logAxis, names = defaultNames } = options;
  const field = (name: string) => `${prefix}.${name}`;
  if (stderr !== undefined && (low !== undefined || high !== undefined)) {
    throw new FathomError(
      `${op}: ${prefix} has both ${names.stderr} and ${names.low}/${names.high}`,
      `give either ${names.stderr} or ${names.low} and ${names.high}, not both`,
    );
  }
  if ((low === undefined) !== (high === undefined)) {
    const [has, missing] = low === undefined ? [names.high, names.low] : [names.low, names.high];
    throw new FathomError(`${op}: ${prefix} has ${has} but no ${missing}`, `give both ${names.low} and ${names.high}, or ${names.stderr}`);
  }
  let lo: number[];
  let hi: number[];
  if (stderr !== undefined) {
    checkNumbers(op, field(names.stderr), stderr);
    checkSameLength(op, field(names.center), center, field(names.stderr), stderr);
    stderr.forEach((s, i) => {
      if (s < 0) {
        throw new FathomError(`${op}: ${field(names.stderr)}[${i}] is ${s}`, 'an error half-width is ≥ 0; pass its absolute value');
      }
    });
    lo = center.map((c, i) => c - scale * stderr[i]!);
    hi = center.map((c, i) => c + scale * stderr[i]!);
  } else if (low !== undefined && high !== undefined) {
    checkNumbers(op, field(names.low), low);
    checkNumbers(op, field(names.high), high);
    checkSameLength(op, field(names.center), center, field(names.low), low);
    checkSameLength(op, field(names.center), center, field(names.high), high);
    lo = [...low];
    hi = [...high];
  } else {
    return undefined;
  }
  lo.forEach((l, i) => {
    if (l > hi[i]!) {
      throw new FathomError(
        `${op}: ${prefix} point ${i} has ${names.low} ${l} > ${names.high} ${hi[i]}`,
        `swap ${names.low} and ${names.high}, or check how they were computed`,
      );
    }
    if (logAxis !== undefined && l <= 0) {
      throw new FathomError(
        `${op}: ${prefix} point ${i} has an interval reaching ${l}, which a log ${logAxis} axis cannot show`,
        `give positive ${names.low}/${names.high} bounds or turn off ${logAxis === 'x' ? 'logX' : 'logY'}`,
      );
    }
  });
  return { low: lo, high: hi };
}
