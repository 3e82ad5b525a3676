// Test helper: reads the marks out of vega's SVG. Vega writes each mark as
// <g class="mark-TYPE role-mark NAME"> holding one element per item (a path, line or text).

/** One mark group of a rendered plot: its vega mark type, vega-lite name and item count. */
export interface MarkGroup {
  readonly type: string;
  readonly name: string;
  readonly items: number;
}

/** Every mark group in the SVG, in drawing order. Leaf mark groups hold no nested <g>. */
export function markGroups(svg: string): MarkGroup[] {
  const out: MarkGroup[] = [];
  for (const m of svg.matchAll(/<g class="mark-([a-z]+) role-mark ([^"]*)"[^>]*>(.*?)<\/g>/g)) {
    out.push({ type: m[1]!, name: m[2]!, items: (m[3]!.match(/<(path|line|rect|text|circle)\b/g) ?? []).length });
  }
  return out;
}

/** Total items over the mark groups of one vega mark type ('line', 'symbol', 'rule', 'rect', 'area', 'text'). */
export function itemCount(svg: string, type: string): number {
  return markGroups(svg)
    .filter((g) => g.type === type)
    .reduce((sum, g) => sum + g.items, 0);
}

/** The texts of the axis labels, in drawing order. */
export function axisLabels(svg: string): string[] {
  const out: string[] = [];
  for (const g of svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/g)) {
    for (const t of g[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(t[1]!);
  }
  return out;
}
