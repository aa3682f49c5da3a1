// The run export (web/export.ts): JSON that reads back into the same snapshots, thinned, and a
// clear refusal, naming the field, for a file that is not an exported run.
import { describe, expect, it } from 'vitest';

import { figureCaption, runFromJson, runToJson, thin, wrapText } from '../../web/export';
import { DEFAULT_SETTINGS } from '../../web/settings';
import type { GraphInfo, ResolvedConfig, Snapshot } from '../../web/worker/protocol';

const snapshot = (step: number): Snapshot => ({
  runId: 3,
  step,
  state: 'paused',
  stepsPerSecond: 0,
  metrics: { step, test_loss: 2 - step / 100 } as unknown as Snapshot['metrics'],
  T: 3,
  attentionParameterView: [Float64Array.from([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5])],
  attentionBatchView: [Float64Array.from([1, 0, 0, 0.4, 0.6, 0, 0.1, 0.8, 0.1])],
  queryAttention: [Float64Array.from([0.2, 0.3, 0.5])],
  sampleTokens: Int32Array.from([1, 2, 0]),
  sampleQueryAttention: [Float64Array.from([0.1, 0.6, 0.3])],
  interventions: [],
  parameters: { widths: [3], A1: [Float32Array.from([1, 2])], W: Float32Array.from([3]) },
  lossSteps: new Float64Array(0),
  losses: new Float64Array(0),
});
const run = (snapshots: Snapshot[]) =>
  runToJson({
    url: 'http://x/?preset=induction',
    settings: DEFAULT_SETTINGS,
    config: { T: 3 } as ResolvedConfig,
    graph: { T: 3, parents: [[], [0], [1]] } as unknown as GraphInfo,
    test_loss: [],
    train_loss: [{ step: 0, loss: 2.3 }, { step: 1, loss: 2.2 }],
    snapshots,
  });

describe('the run export', () => {
  it('reads back the snapshots, with the training loss on the first', () => {
    const loaded = runFromJson(run([snapshot(0), snapshot(10)]));
    expect(loaded.snapshots.map((s) => s.step)).toEqual([0, 10]);
    expect(Array.from(loaded.snapshots[1].attentionBatchView[0])).toEqual([1, 0, 0, 0.4, 0.6, 0, 0.1, 0.8, 0.1]);
    expect(Array.from(loaded.snapshots[0].sampleTokens)).toEqual([1, 2, 0]);
    expect(Array.from(loaded.snapshots[0].lossSteps)).toEqual([0, 1]);
    expect(loaded.snapshots[1].lossSteps.length).toBe(0);
    expect(loaded.graph.parents).toEqual([[], [0], [1]]);
  });

  it('thins evenly, keeping the first and the last', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const kept = thin(items, 200);
    expect(kept).toHaveLength(200);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(999);
    expect(thin([1, 2], 200)).toEqual([1, 2]);
  });

  it('refuses what is not an exported run, naming the field', () => {
    expect(() => runFromJson('{')).toThrow(/not JSON/);
    expect(() => runFromJson('{"format":"x"}')).toThrow(/format must be/);
    const good = JSON.parse(run([snapshot(0)]));
    expect(() => runFromJson(JSON.stringify({ ...good, version: 2 }))).toThrow(/version must be 1/);
    expect(() => runFromJson(JSON.stringify({ ...good, snapshots: [] }))).toThrow(/snapshots must be a non-empty array/);
    const bad = { ...good, snapshots: [{ ...good.snapshots[0], sample_tokens: ['a'] }] };
    expect(() => runFromJson(JSON.stringify(bad))).toThrow(/snapshots\[0\]\.sample_tokens must be an array of numbers/);
  });
});

describe('the PNG caption', () => {
  it('names the task, the settings with the seed and step, the recovery per head, and the link', () => {
    const caption = figureCaption({
      settings: { ...DEFAULT_SETTINGS, seed: 7 },
      presetTitle: 'Trigram',
      modified: true,
      graphName: 'trigram',
      step: 1234,
      recovery: [[0.91, 0.12], [0.05, NaN]],
      url: 'http://x/?preset=trigram&seed=7',
    });
    expect(caption.title).toBe('Trigram (modified) · graph trigram');
    expect(caption.subtitle).toMatch(/^S = \d+, T = \d+, α = [\d.]+, heads [\d,]+, .* · seed 7 · step 1,234$/);
    expect(caption.footnotes).toEqual([
      'Parent recovery (layer 1, per parent): head 1 0.91 / 0.12; head 2 0.05 / —.',
      'Link: http://x/?preset=trigram&seed=7',
    ]);
  });

  it('wraps a footnote to the width, at spaces, and a long link anywhere', () => {
    const width = (text: string) => text.length * 10;
    expect(wrapText('short', 100, width)).toEqual(['short']);
    expect(wrapText('one two three four', 100, width)).toEqual(['one two', 'three four']);
    const link = `Link: http://x/${'a'.repeat(30)}`;
    const lines = wrapText(link, 100, width);
    expect(lines.every((line) => width(line) <= 100)).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe(link.replace(/ /g, ''));
    expect(lines.length).toBeGreaterThan(2);
  });
});
