// Reading programs out of model replies: fenced code blocks with their language and the label on
// the line before them (`RUN`, `SUBMIT`, `GENERATOR`, `BRUTE`).
import type { Lang } from '../../sandbox/index.js';

export interface CodeBlock {
  /** The fence's language, normalised: cpp, python, stdin or other. */
  lang: Lang | 'stdin' | 'other';
  code: string;
  /** The last non-empty line before the block, trimmed and upper-cased ('' when none). */
  label: string;
  /** Offset of the block in the reply. */
  index: number;
}

function normaliseLang(tag: string): CodeBlock['lang'] {
  const t = tag.toLowerCase();
  if (['python', 'python3', 'py', 'py3'].includes(t)) return 'python';
  if (['cpp', 'c++', 'cc', 'cxx'].includes(t)) return 'cpp';
  if (['stdin', 'input', 'text', 'txt', ''].includes(t)) return 'stdin';
  return 'other';
}

/** Every fenced block of `text`, in order. An unclosed last fence counts as closed by the end of the reply. */
export function codeBlocks(text: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^[ \t]*```[ \t]*([\w+#-]*)[^\n]*\n([\s\S]*?)(?:^[ \t]*```[ \t]*$|(?![\s\S]))/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(0, m.index).trimEnd().split('\n');
    const label = (before.at(-1) ?? '').replace(/[*#:`]/g, '').trim().toUpperCase();
    out.push({ lang: normaliseLang(m[1] ?? ''), code: m[2] ?? '', label, index: m.index });
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/** The program a one-shot solver submits: the last Python or C++ block. */
export function lastProgram(text: string): { lang: Lang; source: string } | undefined {
  const b = codeBlocks(text).filter((x) => x.lang === 'python' || x.lang === 'cpp').at(-1);
  return b ? { lang: b.lang as Lang, source: b.code } : undefined;
}

/** The first program labelled `label` (a Python or C++ block right after a line saying it). */
export function labelledProgram(text: string, label: string): { lang: Lang; source: string; block: CodeBlock } | undefined {
  const b = codeBlocks(text).find((x) => (x.lang === 'python' || x.lang === 'cpp') && x.label === label);
  return b ? { lang: b.lang as Lang, source: b.code, block: b } : undefined;
}
