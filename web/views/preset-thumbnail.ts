// A preset's tiny graph: six dots in a row with the arcs of its kind of graph, drawn on the
// preset pills so each reads at a glance. A sketch of the shape, not the run's exact graph.
import type { PresetName } from '../settings';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Parents of six positions, per preset (the sketch each thumbnail draws). */
export const THUMBNAIL_PARENTS: Readonly<Record<PresetName, number[][]>> = {
  induction: [[], [0], [1], [2], [3], [4]],
  pairs: [[], [0], [], [2], [], [4]],
  tree: [[], [0], [0], [1], [1], [2]],
  dag: [[], [0], [], [1], [2], []],
  trigram: [[], [0], [0, 1], [1, 2], [2, 3], [3, 4]],
  paper2: [[], [0], [0, 1], [1, 2], [1, 3], [2, 4]],
  custom: [[], [0], [1], [0], [3], [4]],
  standard: [[], [0], [1], [2], [3], [4]],
};

/** The pills' short names (the full title is the pill's tooltip). */
export const SHORT_TITLES: Readonly<Record<PresetName, string>> = {
  induction: 'Induction head',
  pairs: 'In-context pairs',
  tree: 'Random tree',
  dag: 'Random DAG',
  trigram: 'Trigram · 2 heads',
  paper2: 'Two-parent graph',
  custom: 'Custom graph',
  standard: 'Standard transformer',
};

/** The thumbnail of `name` (decorative: the pill's text names it). */
export function presetThumbnail(name: PresetName): SVGSVGElement {
  // Narrow enough for all eight pills to share one row at 1280 px.
  const width = 28;
  const height = 16;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'preset-thumb');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('aria-hidden', 'true');
  const x = (i: number) => 2.5 + i * 4.6;
  const y = 12.5;
  for (const [child, parents] of THUMBNAIL_PARENTS[name].entries()) {
    for (const parent of parents) {
      const path = document.createElementNS(SVG_NS, 'path');
      const rx = (x(child) - x(parent)) / 2;
      path.setAttribute('d', `M${x(parent)},${y - 1.5} A${rx},${Math.min(9, 2.5 + 1.3 * rx)} 0 0 1 ${x(child)},${y - 1.5}`);
      path.setAttribute('class', 'preset-thumb-arc');
      svg.append(path);
    }
  }
  for (let i = 0; i < 6; i++) {
    const dot = document.createElementNS(SVG_NS, 'circle');
    dot.setAttribute('cx', String(x(i)));
    dot.setAttribute('cy', String(y));
    dot.setAttribute('r', '1.7');
    dot.setAttribute('class', 'preset-thumb-dot');
    svg.append(dot);
  }
  return svg;
}
