// fathom's bundled demo set: 60 questions written for fathom (20 arithmetic, 20 unit conversions,
// 20 calendar questions) with free-form references, the surface forms that count as the same
// answer (aliases: other notations, units, date formats, number words) and three generated
// distractors each, so one set serves free-form answer matching, MCQ and the choices-only probe.
// Answers are computed here from the question's parameters, so they cannot drift from them.
import { hashString, rng, shuffled } from '../stats.js';

export interface DemoItem {
  id: string;
  category: 'arithmetic' | 'units' | 'dates';
  question: string;
  reference: string;
  /** Other surface forms of the reference that a matcher should accept. */
  aliases: readonly string[];
  options: readonly string[];
  answerIndex: number;
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** English words for a whole number below a million ("three hundred ninety-one"). */
export function numberWords(n: number): string {
  if (n < 0) return `minus ${numberWords(-n)}`;
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? `-${ONES[n % 10]}` : '');
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberWords(n % 100)}` : ''}`;
  return `${numberWords(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${numberWords(n % 1000)}` : ''}`;
}

/** A number as people write it: at most 4 decimals, no trailing zeros. */
const num = (x: number): string => String(Number(x.toFixed(4)));

function item(id: string, category: DemoItem['category'], question: string, reference: string, aliases: string[], distractors: string[]): DemoItem {
  const options = shuffled([reference, ...distractors], rng(hashString(id)));
  return { id, category, question, reference, aliases: [...new Set(aliases.filter((a) => a !== reference))], options, answerIndex: options.indexOf(reference) };
}

// ---- arithmetic: [a, op, b] ------------------------------------------------------------------
const ARITHMETIC: [number, '+' | '-' | '×' | '÷', number][] = [
  [17, '×', 23], [348, '+', 579], [1000, '-', 387], [144, '÷', 12], [25, '×', 25],
  [999, '+', 1], [64, '×', 15], [729, '÷', 27], [4096, '-', 1024], [13, '×', 17],
  [250, '×', 8], [1234, '+', 4321], [81, '÷', 9], [600, '-', 245], [19, '×', 21],
  [375, '÷', 15], [47, '+', 86], [12, '×', 12], [5000, '-', 1], [111, '×', 9],
];

function arithmetic(): DemoItem[] {
  return ARITHMETIC.map(([a, op, b], i) => {
    const value = op === '+' ? a + b : op === '-' ? a - b : op === '×' ? a * b : a / b;
    const r = String(value);
    const distractors = [value + (op === '×' ? a : 10), value - 1, Number(r.split('').reverse().join('')) === value ? value + 100 : Number(r.split('').reverse().join(''))].map(String);
    return item(`arith-${String(i + 1).padStart(2, '0')}`, 'arithmetic', `What is ${a} ${op} ${b}?`, r,
      [value.toLocaleString('en-US'), `${r}.0`, numberWords(value)], distractors);
  });
}

// ---- units: [value, from, to, factor, short from, short to] ----------------------------------
const UNITS: [number, string, string, number, string, string][] = [
  [3.5, 'kilometres', 'metres', 1000, 'km', 'm'], [2.5, 'hours', 'minutes', 60, 'h', 'min'],
  [5, 'kilograms', 'grams', 1000, 'kg', 'g'], [12, 'inches', 'centimetres', 2.54, 'in', 'cm'],
  [3, 'miles', 'kilometres', 1.609344, 'mi', 'km'], [250, 'millilitres', 'litres', 0.001, 'ml', 'l'],
  [2, 'days', 'hours', 24, 'd', 'h'], [90, 'minutes', 'hours', 1 / 60, 'min', 'h'],
  [1, 'US gallons', 'litres', 3.785411784, 'gal', 'l'], [6, 'feet', 'metres', 0.3048, 'ft', 'm'],
  [1500, 'grams', 'kilograms', 0.001, 'g', 'kg'], [45, 'seconds', 'milliseconds', 1000, 's', 'ms'],
  [3, 'weeks', 'days', 7, 'wk', 'd'], [10, 'metres per second', 'kilometres per hour', 3.6, 'm/s', 'km/h'],
  [2, 'tonnes', 'kilograms', 1000, 't', 'kg'], [1, 'yards', 'centimetres', 91.44, 'yd', 'cm'],
  [64, 'ounces', 'pounds', 1 / 16, 'oz', 'lb'], [3, 'bytes', 'bits', 8, 'B', 'bit'],
  [1, 'hectares', 'square metres', 10000, 'ha', 'm²'], [4.2, 'litres', 'millilitres', 1000, 'l', 'ml'],
];

function units(): DemoItem[] {
  return UNITS.map(([v, from, to, factor, sFrom, sTo], i) => {
    const x = num(v * factor);
    const reference = `${x} ${to}`;
    const fromName = v === 1 ? from.replace(/s$/, '').replace(/gallons/, 'gallon') : from;
    return item(`units-${String(i + 1).padStart(2, '0')}`, 'units', `How many ${to} are in ${num(v)} ${fromName}?`, reference,
      [x, `${x} ${sTo}`, `${Number(x).toLocaleString('en-US', { maximumFractionDigits: 4 })} ${to}`, `${num(v)} ${sFrom}`],
      [`${num(v * factor * 10)} ${to}`, `${num(v / factor)} ${to}`, `${num(v * factor + (v * factor >= 10 ? 1 : 0.1))} ${to}`]);
  });
}

// ---- dates ------------------------------------------------------------------------------------
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
const parseIso = (s: string): number => Date.parse(`${s}T00:00:00Z`);
function dateForms(t: number): string[] {
  const d = new Date(t);
  const m = MONTHS[d.getUTCMonth()]!;
  return [`${m} ${d.getUTCDate()}, ${d.getUTCFullYear()}`, `${d.getUTCDate()} ${m} ${d.getUTCFullYear()}`, `${m.slice(0, 3)} ${d.getUTCDate()}, ${d.getUTCFullYear()}`];
}

const ADD_DAYS: [string, number][] = [['2024-01-15', 30], ['2023-12-25', 10], ['2024-02-20', 14], ['2025-06-30', 1], ['2024-10-01', 100], ['2023-03-01', -1], ['2024-07-04', 60], ['2025-01-31', 28]];
const WEEKDAY: string[] = ['2024-03-05', '2000-01-01', '1969-07-20', '2025-12-25', '2012-02-29', '1999-12-31'];
const BETWEEN: [string, string][] = [['2024-01-01', '2024-03-01'], ['2023-01-01', '2023-03-01'], ['2024-06-01', '2024-12-25'], ['2020-02-28', '2020-03-01'], ['2025-01-01', '2026-01-01'], ['2024-11-11', '2024-11-30']];

function dates(): DemoItem[] {
  const out: DemoItem[] = [];
  let n = 0;
  const id = () => `dates-${String(++n).padStart(2, '0')}`;
  for (const [start, k] of ADD_DAYS) {
    const t = parseIso(start) + k * DAY;
    const q = k >= 0 ? `What date is ${k} day${k === 1 ? '' : 's'} after ${start}? Give it as YYYY-MM-DD.` : `What date is ${-k} day before ${start}? Give it as YYYY-MM-DD.`;
    out.push(item(id(), 'dates', q, iso(t), dateForms(t), [iso(t + DAY), iso(t - DAY), iso(t + 7 * DAY)]));
  }
  for (const s of WEEKDAY) {
    const w = new Date(parseIso(s)).getUTCDay();
    const name = WEEKDAYS[w]!;
    out.push(item(id(), 'dates', `What day of the week was ${s}?`, name, [name.slice(0, 3), name.toLowerCase()], [WEEKDAYS[(w + 1) % 7]!, WEEKDAYS[(w + 6) % 7]!, WEEKDAYS[(w + 3) % 7]!]));
  }
  for (const [a, b] of BETWEEN) {
    const days = Math.round((parseIso(b) - parseIso(a)) / DAY);
    out.push(item(id(), 'dates', `How many days are there from ${a} to ${b} (counting the end date but not the start date)?`, `${days} days`,
      [String(days), `${numberWords(days)} days`], [`${days + 1} days`, days - 1 === 1 ? '1 day' : `${days - 1} days`, `${days + 30} days`]));
  }
  return out;
}

export const DEMO_SET: readonly DemoItem[] = [...arithmetic(), ...units(), ...dates()];
