// The key-lemma view through the WebAssembly module: the same numbers `cpg lemma` prints.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

import type { Engine } from '../../web/engine/load';
import { loadTestEngine } from './helpers/engine';

const CPG = new URL('../../build/native/cpg', import.meta.url).pathname;
let engine: Engine;
beforeAll(async () => {
  engine = await loadTestEngine({ simd: true });
});

describe('the key-lemma view in WebAssembly', () => {
  it('finds every parent as the largest gradient entry of its row, correlated with the chi-square information', () => {
    const view = engine.lemmaView({ graph: 'tree', S: 5, T: 12, alpha: 0.5, graph_seed: 1, seed: 0 }, { batch: 8192 });
    expect(view.positions_with_parent).toBeGreaterThan(5);
    expect(view.parent_hits).toBe(view.positions_with_parent);
    expect(view.pearson_row_centred).toBeGreaterThanOrEqual(0.6);
    expect(view.gradient).toHaveLength(144);
    expect(view.scatter.gradient.length).toBe(view.scatter.information.length);
    const native = JSON.parse(
      execFileSync(CPG, ['lemma', '--graph', 'tree', '--S', '5', '--T', '12', '--alpha', '0.5', '--graph-seed', '1', '--seed', '0'], { encoding: 'utf8' }),
    );
    expect(view.parent_hits).toBe(native.parent_hits);
    expect(view.pearson_row_centred).toBeCloseTo(native.pearson_row_centred, 4);
  });

  it('refuses bad settings with a message naming the field', () => {
    expect(() => engine.lemmaView({ graph: 'chain', S: 5, T: 12 }, { beta: 0 })).toThrow(/beta/);
    expect(() => engine.lemmaView({ graph: 'trigram', S: 5, T: 12 })).toThrow(/single-parent|multi|parent/);
    expect(engine.lemmaView({ graph: 'chain', S: 5, T: 12, alpha: 0.5 }).parent_hits).toBe(10);
  });
});
