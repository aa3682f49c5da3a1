// The WebAssembly boundary's JS half (web/engine/wire.ts): values survive the byte format exactly,
// and through the module a call's arguments arrive as JS wrote them, so wrong values are named
// in the engine's messages as they were with Embind, and answers come back bit for bit.
import { describe, expect, it } from 'vitest';

import { needsFullModule } from '../../web/engine/load';
import { decodeValue, encodeValue } from '../../web/engine/wire';
import { loadTestEngine, loadTestModule } from './helpers/engine';

const roundTrip = (value: unknown): unknown => {
  const writer = encodeValue(value);
  const { value: back, end } = decodeValue(writer.bytes.subarray(0, writer.length));
  expect(end).toBe(writer.length);
  return back;
};

describe('the byte format, in JS', () => {
  it('keeps numbers, strings, nesting and key order exactly', () => {
    const value = {
      n: 0.1 + 0.2,
      tiny: 5e-324,
      minusZero: -0,
      nan: NaN,
      inf: -Infinity,
      text: 'héads "1,1"\n∑ 🙂',
      list: [1, [2, [3]], null, true, false, undefined],
      nested: { b: 1, a: 2 },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.minusZero, -0)).toBe(true);
    expect(Object.keys(back.nested)).toEqual(['b', 'a']);
  });

  it('sends typed arrays as numbers and says what a function or a bigint is', () => {
    const back = roundTrip([new Int32Array([3, -4]), new Float32Array([0.1]), () => 1, 10n, Symbol('s')]) as unknown[];
    expect(back[0]).toEqual(new Float64Array([3, -4]));
    expect((back[1] as Float64Array)[0]).toBe(Math.fround(0.1));
    expect(back.slice(2)).toEqual(['a function', 'a bigint', 'a symbol']);
  });

  it('refuses a value nested too deep, or one that refers to itself, with a message', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => encodeValue(loop)).toThrow(/nested more than 64 deep/);
  });
});

describe('the byte format, through the module', () => {
  it('names wrong values in the messages as JS wrote them', async () => {
    const engine = await loadTestEngine({ kind: 'core' });
    expect(() => engine.configure({ S: NaN })).toThrow(/S must be in \[2, 64\] \(got nan\)|S .*NaN|S .*nan/i);
    expect(() => engine.configure({ S: 'ten' as unknown as number })).toThrow(/S must be a number .*got 'ten'/);
    expect(() => engine.configure({ lr: (() => 1) as unknown as number })).toThrow(/lr must be a number .*got a function/);
    expect(() => engine.configure({ heads: new Int32Array([1, 1]) as unknown as number[] })).toThrow(/heads must be an array of integers .*got an object/);
    expect(() => engine.configure({ nope: 1 } as never)).toThrow(/config has no field 'nope'/);
    expect(() => engine.configure(7 as never)).toThrow(/config must be an object .*got 7/);
    expect(() => engine.intervene(3 as unknown as string)).toThrow(/action must be a string .*got 3/);
    // Undefined keys are missing keys, as before.
    engine.configure({ S: 5, T: undefined, heads: '1,1' });
    expect(engine.config().S).toBe(5);
    expect(engine.config().heads).toEqual([1, 1]);
    engine.dispose();
  });

  it('returns typed arrays that JS owns, and the same numbers on every call', async () => {
    const engine = await loadTestEngine({ kind: 'core' });
    engine.configure({ S: 5, T: 8, batch: 16, seed: 2 });
    engine.step(3);
    const [a, b] = [engine.parametersW(), engine.parametersW()];
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.buffer).not.toBe(b.buffer);
    a[0] = 123;  // a copy: the engine's W is untouched
    expect(engine.parametersW()[0]).toBe(b[0]);
    const sample = engine.sample(2, 0);
    expect(sample.tokens).toBeInstanceOf(Int32Array);
    expect(sample.tokens.length).toBe(2 * 8);
    engine.dispose();
  });

  it('refuses calls of a freed object, and methods that do not exist, with a message', async () => {
    const module = await loadTestModule({ kind: 'core' });
    const raw = new module.Engine();
    raw.delete();
    expect(raw.step(1)).toEqual({ error: expect.stringMatching(/was deleted|no engine object/), name: 'RangeError' });
    expect(module.fieldRanges().length).toBeGreaterThan(10);
  });
});

describe('which module a run needs', () => {
  it('is the full one for the standard model, MLP sublayers, or more than two layers', () => {
    expect(needsFullModule({ heads: [1, 1] })).toBe(false);
    expect(needsFullModule({ heads: '2,1' })).toBe(false);
    expect(needsFullModule({ heads: [1, 1, 1] })).toBe(true);
    expect(needsFullModule({ heads: '1,1,1' })).toBe(true);
    expect(needsFullModule({ model: 'standard' })).toBe(true);
    expect(needsFullModule({ mlp: 'on' })).toBe(true);
  });
});
