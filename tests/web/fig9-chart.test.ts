// Figure 9's series (web/views/fig9-chart.ts fig9Series): the positions the x axis spans and the
// gaps where a graph has no parent.
import { describe, expect, it } from 'vitest';

import { fig9Series, type Fig9ChartData } from '../../web/views/fig9-chart';

const paper = { mean: 0.837, std: 0.054 };

describe('fig9Series', () => {
  it('ends the x axis at the last position a measured graph has a parent, and breaks each line where it has none', () => {
    // T = 6: position 5 has no parent in either graph, so the axis ends at 4, not 5.
    const data: Fig9ChartData = {
      per_position: { mean: [null, 0.9, null, 0.7, 0.8, null], std: [null, 0, null, 0.1, 0, null], graphs: [0, 1, 0, 2, 1, 0] },
      per_graph: [
        { graph_seed: 0, parent_attention: [null, 0.9, null, 0.6, null, null] },
        { graph_seed: 1, parent_attention: [null, null, null, 0.8, 0.8, null] },
      ],
      paper,
    };
    // Three slots: the third graph is not measured yet.
    const [xs, first, second, third, mean] = fig9Series(data, 3);
    expect(xs).toEqual([1, 2, 3, 4]);
    expect(third).toEqual([null, null, null, null]);
    expect(first).toEqual([0.9, null, 0.6, null]);
    expect(second).toEqual([null, null, 0.8, 0.8]);
    expect(mean).toEqual([0.9, null, 0.7, 0.8]);
  });

  it('spans every position before any graph is measured', () => {
    const data: Fig9ChartData = {
      per_position: { mean: [null, null, null, null], std: [null, null, null, null], graphs: [0, 0, 0, 0] },
      per_graph: [],
      paper,
    };
    const series = fig9Series(data, 2);
    expect(series[0]).toEqual([1, 2, 3]);
    expect(series).toHaveLength(4);
  });
});
