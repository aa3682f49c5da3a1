// The paper's experiments as the page runs them in the worker: Figure 9's statistics, a reduced
// sweep on the real engine, cancelling, and the protocol around them.
import { beforeAll, describe, expect, it } from 'vitest';

import type { Engine } from '../../web/engine/load';
import { aggregateFig9, FIG9_RECIPE, runFig9, type Fig9Graph, type RunControl } from '../../web/worker/experiments';
import { loadTestEngine } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await loadTestEngine({ simd: true });
});

const control = (cancelAfter = Infinity): RunControl & { messages: string[] } => {
  const messages: string[] = [];
  return {
    messages,
    onProgress: (progress) => messages.push(progress.message),
    cancelled: () => messages.length >= cancelAfter,
    yieldToEvents: () => Promise.resolve(),
  };
};

describe('Figure 9', () => {
  it('aggregates per graph and per position, ignoring positions without a parent', () => {
    const graphs: Fig9Graph[] = [
      { graphSeed: 1, parents: [[], [0], []], parentAttention: [NaN, 0.8, NaN], mean: 0.8 },
      { graphSeed: 2, parents: [[], [0], [1]], parentAttention: [NaN, 0.6, 1.0], mean: 0.8 },
      { graphSeed: 3, parents: [[], [0], [0]], parentAttention: [NaN, 1.0, 0.4], mean: 0.7 },
    ];
    const stats = aggregateFig9(graphs, 3);
    expect(stats.mean).toBeCloseTo(0.766667, 5);
    expect(stats.std).toBeCloseTo(Math.sqrt(((0.8 - 0.766667) ** 2 * 2 + (0.7 - 0.766667) ** 2) / 3), 5);
    expect(stats.perPosition.count).toEqual([0, 3, 2]);
    expect(stats.perPosition.mean[0]).toBeNaN();
    expect(stats.perPosition.mean[1]).toBeCloseTo(0.8, 10);
    expect(stats.perPosition.std[2]).toBeCloseTo(0.3, 10);
  });

  it('a reduced sweep on the real engine puts more than 0.7 of the attention on the parents', async () => {
    const result = await runFig9(engine, { ...FIG9_RECIPE, graphs: 3 }, control());
    expect(result.complete).toBe(true);
    expect(result.graphs).toHaveLength(3);
    expect(result.mean).toBeGreaterThan(0.7);
    expect(result.graphs.every((g) => g.parentAttention.every((v, i) => (g.parents[i].length ? v >= 0 && v <= 1 : Number.isNaN(v))))).toBe(true);
  });

  it('stops when cancelled and says the result is partial', async () => {
    const run = control(3);
    const result = await runFig9(engine, { ...FIG9_RECIPE, graphs: 3 }, run);
    expect(result.complete).toBe(false);
    expect(result.graphs.length).toBeLessThan(3);
    expect(run.messages.length).toBe(3);
  });
});
