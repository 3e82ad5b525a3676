// Times the report module's render path: vega-lite compile + vega SVG for plots of growing
// size, and resvg PNG rasterization. Run: node --import tsx bench/report-render.ts
import { heatmap, linePlot, renderSvg, toPng } from '../src/report/index.js';

async function time<T>(label: string, fn: () => Promise<T> | T, repeats = 5): Promise<T> {
  let out!: T;
  await fn(); // warm-up: first use loads vega's modules and resvg's system fonts
  const start = performance.now();
  for (let i = 0; i < repeats; i++) out = await fn();
  console.log(`${label.padEnd(44)} ${((performance.now() - start) / repeats).toFixed(1).padStart(8)} ms`);
  return out;
}

for (const points of [100, 1_000, 10_000]) {
  const x = Array.from({ length: points }, (_, i) => i + 1);
  const plot = linePlot({
    title: `${points} points × 3 series`,
    series: [0, 1, 2].map((s) => ({ name: `run ${s}`, x, y: x.map((v) => 3 / Math.sqrt(v) + s * 0.1), stderr: x.map(() => 0.05) })),
  });
  const svg = await time(`linePlot → SVG (${points} pts × 3, error bars)`, () => renderSvg(plot));
  console.log(`${''.padEnd(44)} ${(svg.length / 1024).toFixed(0).padStart(8)} KiB SVG`);
  await time(`  SVG → PNG (1000 px wide)`, () => toPng(svg, { width: 1000 }));
}
const n = 48;
const matrix = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => Math.cos((r - c) / 8)));
const labels = Array.from({ length: n }, (_, i) => `layer ${i}`);
const svg = await time(`heatmap → SVG (${n}×${n}, no values)`, () => renderSvg(heatmap({ values: matrix, rowLabels: labels, colLabels: labels })));
await time(`  SVG → PNG (1000 px wide)`, () => toPng(svg, { width: 1000 }));
