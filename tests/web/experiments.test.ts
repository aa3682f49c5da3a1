// The paper's experiments as the page runs them in the worker: Figure 9's statistics (the
// engine's, through the module), a reduced sweep on the real engine, cancelling, and the
// protocol around them.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import type { Engine } from '../../web/engine/load';
import { FIG8_RECIPE, runFig8, runFig9, type RunControl } from '../../web/worker/experiments';
import type { Fig9Graph } from '../../web/worker/protocol';
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
  // A graph as the summary reads it: parents (null for none) and the attention on them.
  const measured = (graph_seed: number, parent: (number | null)[], parent_attention: (number | null)[]): Fig9Graph => ({
    graph_seed, parent, parent_attention, positions_with_parent: 0, mean: null, test_loss: 0, bayes_loss: 0, steps: 0, diverged: false,
  });

  it('aggregates per graph and per position, ignoring positions without a parent', () => {
    const graphs: Fig9Graph[] = [
      measured(1, [null, 0, null], [null, 0.8, null]),
      measured(2, [null, 0, 1], [null, 0.6, 1.0]),
      measured(3, [null, 0, 0], [null, 1.0, 0.4]),
    ];
    const stats = engine.summarizeFig9({ settings: { T: 3 } }, graphs, false, 0);
    expect(stats.mean).toBeCloseTo(0.766667, 5);
    expect(stats.std).toBeCloseTo(Math.sqrt(((0.8 - 0.766667) ** 2 * 2 + (0.7 - 0.766667) ** 2) / 3), 5);
    expect(stats.per_position.graphs).toEqual([0, 3, 2]);
    expect(stats.per_position.mean[0]).toBeNull();
    expect(stats.per_position.mean[1]).toBeCloseTo(0.8, 10);
    expect(stats.per_position.std[2]).toBeCloseTo(0.3, 10);
    expect(stats.per_graph.map((g) => g.mean)).toEqual([0.8, 0.8, 0.7].map((m) => expect.closeTo(m, 12)));
  });

  it('bad setups and graphs are errors naming the field', () => {
    expect(() => engine.fig9Setup({ settings: { graphs: 0 } })).toThrow(/^graphs must be in \[1, 1000\]/);
    expect(() => engine.fig9Setup({ recipe: { name: 'slow' } })).toThrow(/^recipe must be one of fast\|paper/);
    expect(() => engine.fig9GraphRun({ settings: { graphs: 2 } }, 2)).toThrow(/^graph index must be in \[0, 1\]/);
    expect(() => engine.summarizeFig9({}, [measured(1, [null, 0], [null])], false, 0)).toThrow(/parent and parent_attention/);
  });

  it('a reduced sweep on the real engine puts more than 0.7 of the attention on the parents', async () => {
    const result = await runFig9(engine, engine.fig9Setup({ settings: { graphs: 3 } }), control());
    expect(result.cancelled).toBe(false);
    expect(result.per_graph).toHaveLength(3);
    expect(result.mean).toBeGreaterThan(0.7);
    expect(result.per_graph.every((g) => g.parent_attention.every((v, i) => (g.parent[i] !== null ? v !== null && v >= 0 && v <= 1 : v === null)))).toBe(true);
  });

  it('stops when cancelled and says the result is partial', async () => {
    const run = control(3);
    const result = await runFig9(engine, engine.fig9Setup({ settings: { graphs: 3 } }), run);
    expect(result.cancelled).toBe(true);
    expect(result.per_graph.length).toBeLessThan(3);
    expect(run.messages.length).toBe(3);
  });
});

describe('Figure 8', () => {
  it("runs the recipe of `cpg reproduce fig8`", () => {
    const cpg = fileURLToPath(new URL('../../build/native/cpg', import.meta.url));
    const out = JSON.parse(execFileSync(cpg, ['reproduce', 'fig8', '--steps', '300', '--batch', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const { every, ...recipe } = FIG8_RECIPE;
    expect(every).toBe(out.config.every);
    expect({ ...recipe, steps: 300, batch: 1 }).toEqual(Object.fromEntries(Object.keys(recipe).map((key) => [key, out.config[key]])));
  });

  it('a reduced run on the real engine: the data view finds the parent, and the loss falls towards Bayes', async () => {
    const result = await runFig8(engine, { ...FIG8_RECIPE, batch: 256, steps: 500, every: 250, seed: 1 }, control());
    expect(result.cancelled).toBe(false);
    expect(result.parent_recovery_view).toBe('data');
    expect(result.curve.map((point) => point.step)).toEqual([0, 250, 500]);
    expect(result.curve[0].parent_recovery).toBeLessThan(0.3);
    expect(result.parent_recovery).toBeGreaterThanOrEqual(0.8);
    expect(result.loss_minus_bayes).toBeLessThan(result.curve[0].loss_minus_bayes / 2);
    expect(result.attention).toHaveLength(400);
    expect(result.parents[5]).toEqual([4]);
  });

  it('stops at a cancel and says so', async () => {
    const result = await runFig8(engine, { ...FIG8_RECIPE, batch: 16, steps: 400, every: 100 }, control(2));
    expect(result.cancelled).toBe(true);
    expect(result.curve.at(-1)?.step).toBeLessThan(400);
  });
});
