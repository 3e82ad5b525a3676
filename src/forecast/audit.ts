// The leakage audit: each pitfall of "Pitfalls in evaluating language-model forecasters"
// (Paleka et al., arXiv:2506.00723) as a named check that runs over a question set — and, where
// they are known, the documents retrieved for each question and the prompt it was asked with —
// before any score is shown. Each check reports per question; a summary table counts them.
// Checks live in one registry; `--skip` leaves one out by name, and the report says so.
import { UsageError } from '../errors.js';
import { Registry } from '../registry.js';
import type { Message } from '../llm/index.js';
import { addMonths, dateMentions, isAfter } from './dates.js';
import { dayOf, questionKey, timeOf, type Question, type Resolution } from './schema.js';

export interface ContextDocument { id: string; date: string | null; text: string; title?: string }

/** What one question's forecaster saw: the documents retrieved for it and the messages sent. */
export interface QuestionContext {
  documents: ContextDocument[];
  messages: Message[];
  /** Documents the retriever left out (dated after freeze, or undated), as it counted them. */
  excluded?: { afterFreeze: number; undated: number };
}

export interface AuditInput {
  questions: readonly Question[];
  resolutions: readonly Resolution[];
  /** By question key (source/id). */
  contexts: ReadonlyMap<string, QuestionContext>;
}

export interface AuditOptions {
  /** The forecaster's stated knowledge cutoff (YYYY-MM-DD); without it resolved-before-cutoff is skipped. */
  cutoff?: string;
  /** Months added to the cutoff: models know events past their stated cutoff (default 3). */
  bufferMonths?: number;
  /** Word-trigram Jaccard similarity at which two questions count as near-duplicates / one template (default 0.6). */
  duplicateSimilarity?: number;
  /** Largest share of questions one source may hold before the set counts as skewed (default 0.5). */
  maxSourceShare?: number;
  /** Largest share of crypto or sports questions (default 0.3). */
  maxTopicShare?: number;
  /** Checks to leave out, by name. */
  skip?: readonly string[];
}

export interface Finding {
  check: string;
  /** Source/id of the question, or null for a finding about the whole set. */
  question: string | null;
  detail: string;
}

export interface CheckSummary {
  check: string;
  pitfall: string;
  status: 'pass' | 'found' | 'skipped';
  /** Questions (or documents, prompts) examined. */
  examined: number;
  flagged: number;
  note: string;
}

export interface AuditReport {
  findings: Finding[];
  summary: CheckSummary[];
  /** Per flagged question: the checks that flagged it. */
  perQuestion: { question: string; source: string; checks: string[] }[];
  /** Documents kept out by the retriever across all contexts. */
  excluded: { afterFreeze: number; undated: number };
}

interface CheckResult { examined: number; findings: Finding[]; skipped?: string; note?: string }

interface AuditCheck {
  name: string;
  /** The pitfall, as the paper names it. */
  pitfall: string;
  run(input: AuditInput, options: Required<Omit<AuditOptions, 'cutoff' | 'skip'>> & { cutoff: string | undefined }): CheckResult;
}

const checks = new Registry<AuditCheck>('forecast audit: check', (c) => c.name);
function registerCheck(check: AuditCheck): void {
  checks.register(check);
}
export const auditChecks = (): { name: string; pitfall: string }[] => checks.all().map(({ name, pitfall }) => ({ name, pitfall }));

const freezeDay = (q: Question): string => dayOf(q.freezeDate);
const resolvedOf = (input: AuditInput): Map<string, Resolution[]> => {
  const m = new Map<string, Resolution[]>();
  for (const r of input.resolutions) if (r.resolved) (m.get(questionKey(r)) ?? m.set(questionKey(r), []).get(questionKey(r))!).push(r);
  return m;
};
const withContext = (input: AuditInput) => input.questions.flatMap((q) => {
  const c = input.contexts.get(questionKey(q));
  return c ? [{ q, c }] : [];
});
const noContexts = 'no retrieved documents or prompts given (pass --context, or --run for a forecast run)';

/** A check over every retrieved document: `flag` returns a finding's detail, or null. */
function checkDocuments(check: string, input: AuditInput, flag: (q: Question, d: ContextDocument) => string | null) {
  const findings: Finding[] = [];
  let examined = 0;
  for (const { q, c } of withContext(input)) {
    for (const d of c.documents) {
      examined++;
      const detail = flag(q, d);
      if (detail !== null) findings.push({ check, question: questionKey(q), detail });
    }
  }
  return examined || input.contexts.size ? { examined, findings } : { examined: 0, findings, skipped: noContexts };
}

registerCheck({
  name: 'resolved-before-cutoff',
  pitfall: 'over-reliance on stated model cutoffs (5)',
  run(input, o) {
    if (!o.cutoff) return { examined: 0, findings: [], skipped: 'no knowledge cutoff given (pass --cutoff YYYY-MM-DD)' };
    const limit = addMonths(dayOf(o.cutoff), o.bufferMonths);
    const resolved = resolvedOf(input);
    const findings: Finding[] = [];
    for (const q of input.questions) {
      const dates = [...(resolved.get(questionKey(q)) ?? []).map((r) => ({ what: 'resolved', day: r.resolutionDate })), ...(q.closeDate ? [{ what: 'closed', day: dayOf(q.closeDate) }] : [])];
      const early = dates.filter((d) => d.day <= limit).sort((a, b) => a.day.localeCompare(b.day))[0];
      if (early) findings.push({ check: this.name, question: questionKey(q), detail: `${early.what} ${early.day}, not after cutoff ${dayOf(o.cutoff)} + ${o.bufferMonths} months (${limit})` });
    }
    return { examined: input.questions.length, findings, note: `cutoff ${dayOf(o.cutoff)} + ${o.bufferMonths} months = ${limit}` };
  },
});

registerCheck({
  name: 'resolved-before-freeze',
  pitfall: 'logical leakage: the resolution was known at freeze (1)',
  run(input) {
    const resolved = resolvedOf(input);
    const findings: Finding[] = [];
    for (const q of input.questions) {
      const r = (resolved.get(questionKey(q)) ?? []).find((x) => x.resolutionDate <= freezeDay(q));
      if (r) findings.push({ check: this.name, question: questionKey(q), detail: `resolved ${r.resolutionDate}, on or before its freeze date ${freezeDay(q)}` });
    }
    return { examined: input.questions.length, findings };
  },
});

registerCheck({
  name: 'early-closure',
  pitfall: 'logical leakage: resolved before its scheduled date, selection on outcome (1)',
  run(input) {
    const resolved = resolvedOf(input);
    const findings: Finding[] = [];
    let examined = 0;
    for (const q of input.questions) {
      if (q.kind !== 'market' || !q.closeDate) continue;
      examined++;
      const scheduled = dayOf(q.closeDate);
      const r = (resolved.get(questionKey(q)) ?? []).find((x) => x.resolutionDate < scheduled);
      if (r) {
        const days = Math.round((timeOf(scheduled) - timeOf(r.resolutionDate)) / 86_400_000);
        findings.push({ check: this.name, question: questionKey(q), detail: `resolved ${r.resolutionDate} to ${r.value}, ${days} day${days === 1 ? '' : 's'} before its scheduled close ${scheduled}` });
      }
    }
    return { examined, findings };
  },
});

registerCheck({
  name: 'document-after-freeze',
  pitfall: 'unreliable date-restricted retrieval: documents published after the freeze date (3)',
  run(input) {
    return checkDocuments(this.name, input, (q, d) => {
      if (d.date === null) return `document ${d.id} has no publication date, so it cannot be shown to predate freeze ${freezeDay(q)}`;
      return timeOf(d.date) > timeOf(q.freezeDate) ? `document ${d.id} is dated ${dayOf(d.date)}, after freeze ${freezeDay(q)}` : null;
    });
  },
});

registerCheck({
  name: 'document-mentions-later-date',
  pitfall: 'unreliable date-restricted retrieval: content mentions events after the freeze date (3)',
  run(input) {
    return checkDocuments(this.name, input, (q, d) => {
      const later = dateMentions(`${d.title ?? ''}\n${d.text}`).filter((m) => isAfter(m, freezeDay(q)));
      return later.length ? `document ${d.id} mentions ${later.slice(0, 3).map((m) => `"${m.text}"`).join(', ')}${later.length > 3 ? ` and ${later.length - 3} more` : ''}, after freeze ${freezeDay(q)}` : null;
    });
  },
});

const CROWD_WORDS = /\b(community prediction|crowd (?:forecast|prediction|probability)|market (?:price|probability|odds|value|consensus)|prediction markets? (?:price|odds|give|puts?|says?)|implied probability|(?:traders|bettors|forecasters) (?:give|put|see|price)|(?:polymarket|manifold|metaculus|kalshi|infer|good judgment)(?:'s)? (?:forecasters? |traders? |users? |community )?(?:odds|price|probability|forecast|prediction|gives?|puts?))\b/gi;
const PROBABILITY = /(?<![\d.])(\d{1,3}(?:\.\d+)?\s?(?:%|percent)|0?\.\d{1,4}|\d{1,2} in \d{1,3})(?!\d|\.\d)/i;

function crowdSpellings(crowd: number): RegExp {
  const pct = Math.round(crowd * 1000) / 10;
  const variants = new Set([`${pct}%`, `${pct} %`, `${pct} percent`, `${Math.round(pct)}%`, `${Math.round(pct)} percent`]);
  const decimals = [crowd.toFixed(2), crowd.toFixed(3)].filter((s) => !/^[01]\.0+$/.test(s));
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\d.])(${[...variants, ...decimals, ...decimals.map((d) => d.slice(1))].map(esc).join('|')})(?![\\d])`, 'i');
}

registerCheck({
  name: 'crowd-piggybacking',
  pitfall: 'piggybacking on human forecasts: crowd or market probabilities in the context or prompt (6)',
  run(input) {
    const findings: Finding[] = [];
    let examined = 0;
    for (const { q, c } of withContext(input)) {
      examined++;
      const texts = [...c.documents.map((d) => ({ where: `document ${d.id}`, text: `${d.title ?? ''}\n${d.text}` })), ...c.messages.map((m, i) => ({ where: `${m.role} message ${i + 1}`, text: m.content }))];
      const value = q.crowd !== null ? crowdSpellings(q.crowd) : null;
      for (const t of texts) {
        const exact = value?.exec(t.text);
        const phrase = [...t.text.matchAll(CROWD_WORDS)].find((m) => {
          const window = t.text.slice(Math.max(0, m.index - 80), m.index + m[0].length + 80);
          return PROBABILITY.test(window);
        });
        if (exact || phrase) {
          findings.push({ check: this.name, question: questionKey(q), detail: `${t.where} ${exact ? `quotes the crowd value at freeze ("${exact[0]}" for ${q.crowd})` : `gives a crowd-like probability ("${phrase![0]}" next to a number)`}` });
          break;
        }
      }
    }
    return examined ? { examined, findings } : { examined: 0, findings, skipped: noContexts };
  },
});

registerCheck({
  name: 'prompt-date-after-freeze',
  pitfall: 'system prompts and scaffolds leak the current date (5)',
  run(input) {
    const findings: Finding[] = [];
    let examined = 0;
    for (const { q, c } of withContext(input)) {
      if (!c.messages.length) continue;
      examined++;
      // Dates the question itself names (its horizons, its close date) are not a leak.
      const own = new Set([...q.resolutionDates, ...(q.closeDate ? [dayOf(q.closeDate)] : []), ...dateMentions(`${q.text}\n${q.background}\n${q.resolutionCriteria}`).map((m) => m.start)]);
      for (const [i, m] of c.messages.entries()) {
        let text = m.content;
        for (const d of c.documents) text = text.split(d.text).join(' ');
        const later = dateMentions(text).filter((x) => isAfter(x, freezeDay(q)) && !own.has(x.start));
        if (later.length) {
          findings.push({ check: this.name, question: questionKey(q), detail: `${m.role} message ${i + 1} carries ${later.slice(0, 3).map((x) => `"${x.text}"`).join(', ')}, after freeze ${freezeDay(q)}` });
          break;
        }
      }
    }
    return examined ? { examined, findings } : { examined: 0, findings, skipped: 'no prompts given (pass --context with messages, or --run for a forecast run)' };
  },
});

const shingles = (text: string): Set<string> => {
  const words = text.toLowerCase().replace(/\{[^}]*\}/g, ' slot ').replace(/\d+([.,]\d+)?/g, '0').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  if (words.length < 3) out.add(words.join(' '));
  return out;
};
function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter || 1);
}

registerCheck({
  name: 'near-duplicate',
  pitfall: 'skewed question distributions: near-duplicate and template questions (8)',
  run(input, o) {
    const qs = input.questions;
    const sh = qs.map((q) => shingles(q.text));
    const parent = qs.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (let i = 0; i < qs.length; i++) {
      for (let j = i + 1; j < qs.length; j++) if (jaccard(sh[i]!, sh[j]!) >= o.duplicateSimilarity) parent[find(j)] = find(i);
    }
    const groups = new Map<number, number[]>();
    qs.forEach((_, i) => (groups.get(find(i)) ?? groups.set(find(i), []).get(find(i))!).push(i));
    const findings: Finding[] = [];
    let clusters = 0;
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      clusters++;
      const example = qs[members[0]!]!.text.slice(0, 60);
      for (const i of members) findings.push({ check: this.name, question: questionKey(qs[i]!), detail: `one of ${members.length} questions sharing a template ("${example}${qs[members[0]!]!.text.length > 60 ? '…' : ''}")` });
    }
    return { examined: qs.length, findings, note: `${clusters} template cluster${clusters === 1 ? '' : 's'} at word-trigram Jaccard ≥ ${o.duplicateSimilarity}` };
  },
});

const TOPICS: Record<string, RegExp> = {
  crypto: /\b(bitcoin|btc|ethereum|eth|solana|dogecoin|crypto(?:currency)?|stablecoin|memecoin|token price)\b/i,
  sports: /\b(nba|nfl|nhl|mlb|premier league|champions league|world cup|super bowl|playoffs?|grand slam|formula 1|f1|ufc|olympics?|match|tournament|championship)\b/i,
};

registerCheck({
  name: 'source-skew',
  pitfall: 'skewed question distributions: one source or topic dominates (8)',
  run(input, o) {
    const n = input.questions.length;
    const findings: Finding[] = [];
    if (n === 0) return { examined: 0, findings };
    const bySource = new Map<string, number>();
    for (const q of input.questions) bySource.set(q.source, (bySource.get(q.source) ?? 0) + 1);
    const [top, count] = [...bySource].sort((a, b) => b[1] - a[1])[0]!;
    if (bySource.size > 0 && count / n > o.maxSourceShare) findings.push({ check: this.name, question: null, detail: `source ${top} holds ${count} of ${n} questions (${(100 * count / n).toFixed(0)}% > ${(100 * o.maxSourceShare).toFixed(0)}%)` });
    for (const [topic, re] of Object.entries(TOPICS)) {
      const k = input.questions.filter((q) => re.test(q.text)).length;
      if (k / n > o.maxTopicShare) findings.push({ check: this.name, question: null, detail: `${k} of ${n} questions are about ${topic} (${(100 * k / n).toFixed(0)}% > ${(100 * o.maxTopicShare).toFixed(0)}%)` });
    }
    return { examined: n, findings, note: `${bySource.size} sources; largest ${top} ${(100 * count / n).toFixed(0)}%` };
  },
});

/** Runs every check (but those in `skip`) over the input. */
export function audit(input: AuditInput, options: AuditOptions = {}): AuditReport {
  for (const s of options.skip ?? []) {
    checks.get(s, (_, names, guess) => new UsageError(`forecast audit: unknown check "${s}" to skip (checks: ${names.join(', ')})`, guess ? `did you mean "${guess}"?` : 'name one of the checks'));
  }
  const resolved = {
    cutoff: options.cutoff, bufferMonths: options.bufferMonths ?? 3, duplicateSimilarity: options.duplicateSimilarity ?? 0.6,
    maxSourceShare: options.maxSourceShare ?? 0.5, maxTopicShare: options.maxTopicShare ?? 0.3,
  };
  const findings: Finding[] = [];
  const summary: CheckSummary[] = [];
  for (const check of checks.all()) {
    if (options.skip?.includes(check.name)) {
      summary.push({ check: check.name, pitfall: check.pitfall, status: 'skipped', examined: 0, flagged: 0, note: 'skipped on request (--skip)' });
      continue;
    }
    const r = check.run(input, resolved);
    findings.push(...r.findings);
    const flagged = new Set(r.findings.map((f) => f.question ?? '(set)')).size;
    summary.push({ check: check.name, pitfall: check.pitfall, status: r.skipped ? 'skipped' : r.findings.length ? 'found' : 'pass', examined: r.examined, flagged, note: r.skipped ?? r.note ?? '' });
  }
  const byQuestion = new Map<string, Set<string>>();
  for (const f of findings) if (f.question) (byQuestion.get(f.question) ?? byQuestion.set(f.question, new Set()).get(f.question)!).add(f.check);
  const source = new Map(input.questions.map((q) => [questionKey(q), q.source]));
  const excluded = { afterFreeze: 0, undated: 0 };
  for (const c of input.contexts.values()) {
    excluded.afterFreeze += c.excluded?.afterFreeze ?? 0;
    excluded.undated += c.excluded?.undated ?? 0;
  }
  return { findings, summary, perQuestion: [...byQuestion].map(([question, cs]) => ({ question, source: source.get(question) ?? '', checks: [...cs] })), excluded };
}
