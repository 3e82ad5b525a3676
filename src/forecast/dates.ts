// Dates written in free text (documents, prompts): ISO days (2025-03-04), "March 4, 2025",
// "4 March 2025" and "March 2025". Used by the leakage audit to find text that speaks of a time
// after a question's freeze date (arXiv:2506.00723, pitfalls 3 and 5).

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const monthIndex = (name: string): number => MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().slice(0, 3)));

export interface DateMention {
  /** The text as written. */
  text: string;
  /** The first day the mention can mean (YYYY-MM-DD): the day itself, or the month's first day. */
  start: string;
  precision: 'day' | 'month';
  index: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function valid(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1000 && y <= 2999 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Every date written in `text`, in order; overlapping forms ("March 4, 2025" also holds "March … 2025") count once. */
export function dateMentions(text: string): DateMention[] {
  const out: DateMention[] = [];
  const taken: [number, number][] = [];
  const add = (m: RegExpExecArray, y: number, mo: number, d: number | null): void => {
    const end = m.index + m[0].length;
    if (taken.some(([a, b]) => m.index < b && end > a)) return;
    if (!valid(y, mo, d ?? 1)) return;
    taken.push([m.index, end]);
    out.push({ text: m[0], start: `${y}-${pad(mo)}-${pad(d ?? 1)}`, precision: d === null ? 'month' : 'day', index: m.index });
  };
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) add(m, Number(m[1]), Number(m[2]), Number(m[3]));
  for (const m of text.matchAll(new RegExp(`\\b${MONTH}\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})\\b`, 'gi'))) add(m, Number(m[3]), monthIndex(m[1]!) + 1, Number(m[2]));
  for (const m of text.matchAll(new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)? (?:of )?${MONTH}\\.?,? (\\d{4})\\b`, 'gi'))) add(m, Number(m[3]), monthIndex(m[2]!) + 1, Number(m[1]));
  for (const m of text.matchAll(new RegExp(`\\b${MONTH}\\.?,? (\\d{4})\\b`, 'gi'))) add(m, Number(m[2]), monthIndex(m[1]!) + 1, null);
  return out.sort((a, b) => a.index - b.index);
}

/** Whether a mention certainly speaks of a time after `day` (YYYY-MM-DD): a later day, or a month that starts after it. */
export const isAfter = (mention: DateMention, day: string): boolean => mention.start > day;

/** `day` plus `months` calendar months (clamped to the month's last day). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return `${target.getUTCFullYear()}-${pad(target.getUTCMonth() + 1)}-${pad(Math.min(d, last))}`;
}
