// Test fixture: a small report with a table, a line plot with error bars and a heatmap, with
// hostile strings in every place user or model text can reach.

import { heatmap, linePlot } from '../../src/report/index.js';
import type { Report } from '../../src/report/index.js';

/** Markup that must never reach the page as markup. */
export const HOSTILE = '<script>window.__pwned = 1</script>';
export const HOSTILE_ATTR = '"><img src=x onerror="window.__pwned=2">';

export function sampleReport(): Report {
  return {
    title: `Sample ${HOSTILE}`,
    subtitle: HOSTILE_ATTR,
    meta: { fathom: '0.1.0', [HOSTILE]: HOSTILE_ATTR },
    sections: [
      {
        title: `Results ${HOSTILE}`,
        text: `What was run: two optimizers.\n\n${HOSTILE}`,
        tables: [
          {
            caption: HOSTILE,
            rows: [
              { optimizer: 'adam', loss: 1.5, steps: 4 },
              { optimizer: HOSTILE_ATTR, loss: 2.5, steps: 4 },
            ],
          },
        ],
        plots: [
          linePlot({
            title: `Loss ${HOSTILE}`,
            caption: HOSTILE_ATTR,
            xLabel: HOSTILE,
            yLabel: 'loss',
            series: [
              { name: 'adam', x: [1, 2, 3, 4], y: [4, 3, 2, 1.5], stderr: [0.2, 0.2, 0.1, 0.1] },
              { name: HOSTILE, x: [1, 2, 3, 4], y: [4, 3.5, 3, 2.5], low: [3.8, 3.2, 2.9, 2.3], high: [4.2, 3.7, 3.2, 2.7] },
            ],
          }),
        ],
      },
      {
        title: 'Layer similarity',
        plots: [
          heatmap({
            title: HOSTILE_ATTR,
            values: [
              [1, 0.5, 0.1],
              [0.5, 1, null],
            ],
            rowLabels: ['layer 1', HOSTILE],
            colLabels: ['layer 1', 'layer 2', HOSTILE_ATTR],
            valueLabel: HOSTILE,
          }),
        ],
        code: `fathom reproduce --quick ${HOSTILE}`,
      },
    ],
  };
}
