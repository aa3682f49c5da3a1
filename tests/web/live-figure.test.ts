// The live figure (web/views/live-figure.ts) with stand-in views: what each view is given, and
// that a new run is the worker's runId, not a guess from the step. (The views' drawing is
// checked in the browser suites.)
import { describe, expect, it } from 'vitest';

import { LiveFigure, type FigureViews } from '../../web/views/live-figure';
import { headlineRecovery, parentSlotNames } from '../../web/views/vocabulary';
import type { GraphInfo, Metrics, Snapshot, Status } from '../../web/worker/protocol';

const T = 4;
const trigram: GraphInfo = { name: 'trigram', T, multi_parent: true, parents: [[], [], [0, 1], [1, 2], [2, 3]], spec: '' };

function status(runId: number, graph: GraphInfo = trigram): Status {
  return {
    type: 'status', runId, state: 'paused', step: 0, stepsPerSecond: 0, simd: true, message: '', graph,
    config: { S: 3, T, heads: [2, 1] } as unknown as Status['config'],
  };
}

function snapshot(runId: number, step: number, recovery: number[][], batch = recovery): Snapshot {
  const metrics: Metrics = {
    step, train_loss: 1, test_loss: 1 - step / 1000, bayes_loss: 0.5, one_parent_loss: 0.8, unigram_loss: 1, uniform_loss: 1.1,
    parent_recovery: recovery, parent_recovery_view: 'parameter', parent_recovery_batch: batch, parent_recovery_batch_view: 'data',
    lr: 0.1, diverged: false, status: 'ok',
  };
  const square = () => new Float64Array(T * T);
  return {
    runId, step, state: 'playing', stepsPerSecond: 100, metrics, T,
    attentionParameterView: [square(), square()], attentionBatchView: [square(), square()],
    queryAttention: [new Float64Array(T)], sampleTokens: Int32Array.from([0, 1, 0, 1]), sampleQueryAttention: [new Float64Array(T)],
    parameters: { widths: [1], A1: [], W: new Float32Array(0) },
    interventions: [],
    lossSteps: new Float64Array(step > 0 ? [step - 1] : []), losses: new Float64Array(step > 0 ? [1] : []),
  };
}

/** Stand-in views that record what they are given; draws run at once. */
function harness() {
  const calls = {
    resets: [] as unknown[], tests: [] as number[], testLosses: [] as number[], markers: [] as (number | null)[], bars: [] as { recovery: number[][]; names: string[] }[],
    attention: [] as { view: string; slotNames?: string[] }[], graphs: 0,
    interventions: [] as { step: number; label: string }[][],
    plateaus: [] as ({ start: number; end: number; label: string } | null)[],
  };
  const views: FigureViews = {
    attention: { update: (data) => void calls.attention.push({ view: data.view, slotNames: data.slotNames }), canvases: () => [] },
    recovery: { update: (recovery, names) => void calls.bars.push({ recovery, names }) },
    queryStrip: { update: () => undefined },
    lossChart: {
      reset: (baselines) => void calls.resets.push(baselines),
      appendTrain: () => undefined,
      addTest: (step, loss) => {
        calls.tests.push(step);
        calls.testLosses.push(loss);
      },
      setPhaseMarker: (step) => void calls.markers.push(step),
      setCursorStep: () => undefined,
      setInterventions: (markers) => void calls.interventions.push([...markers]),
      setPlateau: (band) => void calls.plateaus.push(band),
    },
    graph: { update: () => void calls.graphs++ },
  };
  const figure = new LiveFigure(views, { schedule: (draw) => draw(), now: () => 0 });
  return { figure, calls };
}

describe('the live figure', () => {
  it('shades the plateau of a multi-parent run from its own recovery: one parent found, the other flat', () => {
    const { figure, calls } = harness();
    figure.setStatus(status(1));
    // Both heads on the near parent (slot 1) from step 20; the far parent (slot 0) idles until step 60.
    const far = [0.1, 0.1, 0.12, 0.11, 0.12, 0.13, 0.6, 0.8];
    const near = [0.1, 0.25, 0.7, 0.8, 0.8, 0.82, 0.85, 0.86];
    far.forEach((value, k) => figure.receive(snapshot(1, 10 * k, [[value, near[k]], [0.05, near[k] - 0.1]])));
    expect(calls.plateaus.at(-1)).toMatchObject({ start: 20, end: 50 });
    // A new run clears it until its own plateau shows.
    figure.setStatus(status(2));
    figure.receive(snapshot(2, 0, [[0.1, 0.1], [0.1, 0.1]]));
    expect(calls.plateaus.at(-1)).toBeNull();
  });

  it('marks every intervention of the run on the loss chart', () => {
    const { figure, calls } = harness();
    const first = snapshot(1, 10, [[0.5]]);
    figure.receive(first);
    expect(calls.interventions.at(-1)).toEqual([]);
    const later = { ...snapshot(1, 20, [[0.5]]), interventions: [{ step: 15, action: 'ablate 1:1 zero' }] };
    figure.receive(later);
    expect(calls.interventions.at(-1)).toEqual([{ step: 15, label: 'ablate 1:1 zero' }]);
  });

  it('gives the chart the new test loss of an intervention made while paused, at the same step', () => {
    const { figure, calls } = harness();
    figure.receive(snapshot(1, 30, [[0.9]]));
    figure.receive(snapshot(1, 30, [[0.9]]));
    expect(calls.tests).toEqual([30]);
    const ablated = snapshot(1, 30, [[0.2]]);
    ablated.metrics = { ...ablated.metrics, test_loss: 1.4 };
    figure.receive(ablated);
    expect(calls.tests).toEqual([30, 30]);
    expect(calls.testLosses.at(-1)).toBe(1.4);
  });

  it('starts over when the worker says a new run began, not when the step is 0', () => {
    const { figure, calls } = harness();
    figure.setStatus(status(1));
    figure.receive(snapshot(1, 0, [[0.1, 0.1], [0.1, 0.1]]));
    figure.receive(snapshot(1, 10, [[0.1, 0.2], [0.1, 0.2]]));
    expect(calls.resets).toHaveLength(1);
    expect(calls.resets[0]).toMatchObject({ bayes: 0.5, multiParent: true });
    expect(figure.history.length).toBe(2);
    // Step 0 again in the same run (e.g. a repeated evaluation): no reset.
    figure.receive(snapshot(1, 0, [[0.1, 0.1], [0.1, 0.1]]));
    expect(calls.resets).toHaveLength(1);
    // A new run that does not start at step 0 in the page's eyes (its first snapshot came late): a reset.
    figure.setStatus(status(2));
    figure.receive(snapshot(2, 30, [[0.1, 0.1], [0.1, 0.1]]));
    expect(calls.resets).toHaveLength(2);
    expect(figure.history.length).toBe(1);
    expect(calls.tests).toEqual([0, 10, 0, 30]);
  });

  it('shows the bars, the captions and the phase marker from one headline recovery and one set of slot names', () => {
    const { figure, calls } = harness();
    figure.setStatus(status(1));
    const plateau = [[0.05, 0.9], [0.06, 0.88]];
    const split = [[0.05, 0.9], [0.86, 0.1]];
    figure.receive(snapshot(1, 0, [[0.1, 0.1], [0.1, 0.1]]));
    figure.receive(snapshot(1, 100, plateau));
    // Each head's best slot is high on the plateau, but i−2 is not found: no phase transition yet.
    expect(headlineRecovery(plateau)).toBeLessThan(0.5);
    expect(calls.markers.at(-1)).toBeNull();
    figure.receive(snapshot(1, 200, split));
    expect(calls.markers.at(-1)).toBe(200);
    const names = parentSlotNames(trigram);
    expect(calls.bars.at(-1)).toEqual({ recovery: split, names });
    expect(calls.attention.at(-1)?.slotNames).toEqual(names);
  });

  it('follows the chosen view in the heat maps, the bars and the phase marker alike', () => {
    const { figure, calls } = harness();
    figure.setStatus(status(1));
    const low = [[0.1, 0.1], [0.1, 0.1]];
    const split = [[0.05, 0.9], [0.86, 0.1]];
    figure.receive(snapshot(1, 0, low, low));
    figure.receive(snapshot(1, 50, split, low));
    expect(calls.markers.at(-1)).toBe(50);
    figure.setView('batch');
    expect(calls.markers.at(-1)).toBeNull();
    expect(calls.attention.at(-1)?.view).toBe('batch');
    expect(calls.bars.at(-1)?.recovery).toEqual(low);
  });

  it('shows the standard model its data view, labelled as such, whatever view is chosen', () => {
    const { figure, calls } = harness();
    const standard = status(1);
    standard.config = { S: 3, T, heads: [2, 1], model: 'standard' } as unknown as Status['config'];
    figure.setStatus(standard);
    const parameter = [[0.1, 0.1], [0.1, 0.1]];
    const data = [[0.05, 0.9], [0.86, 0.1]];
    figure.receive(snapshot(1, 0, parameter, data));
    expect(calls.attention.at(-1)?.view).toBe('data');
    expect(calls.bars.at(-1)?.recovery).toEqual(data);
    figure.setView('batch');
    expect(calls.attention.at(-1)?.view).toBe('data');
    expect(calls.bars.at(-1)?.recovery).toEqual(data);
  });

  it('draws the graph again only when it or its sample changes', () => {
    const { figure, calls } = harness();
    figure.setStatus(status(1));
    figure.receive(snapshot(1, 0, [[0, 0], [0, 0]]));
    figure.receive(snapshot(1, 1, [[0, 0], [0, 0]]));
    expect(calls.graphs).toBe(1);
    figure.showEditedGraph([[], [], [0, 1], [0, 2], [2, 3]]);
    expect(calls.graphs).toBe(2);
  });

  it('replays the history and returns to live', () => {
    const { figure } = harness();
    figure.setStatus(status(1));
    for (const step of [0, 10, 20]) figure.receive(snapshot(1, step, [[0, 0], [0, 0]]));
    expect(figure.showHistory(0)).toMatchObject({ live: false, snapshot: { step: 0 } });
    expect(figure.current?.step).toBe(0);
    figure.receive(snapshot(1, 30, [[0, 0], [0, 0]]));
    expect(figure.current?.step).toBe(0);
    expect(figure.showHistory(3)).toMatchObject({ live: true });
    expect(figure.current?.step).toBe(30);
    expect(figure.showHistory(9)).toBeNull();
  });
});
