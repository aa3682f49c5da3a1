// The settings table (web/settings/table.ts), the presets (presets.ts) and the URL (url.ts): URL round trips, bad
// values falling back with a notice, live settings, and the engine config. The last block checks
// the table against the built WebAssembly module (its ranges, and that every preset configures);
// it is skipped when the module has not been built (npm run build:wasm; npm test builds it).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_PRESET,
  DEFAULT_SETTINGS,
  PRESETS,
  PRESET_NAMES,
  SETTINGS,
  needsReset,
  parseSettings,
  presetSettings,
  rangeText,
  settingRow,
  settingsToSearch,
  toEngineConfig,
  validateSetting,
  type PresetName,
  type SettingKey,
  type Settings,
} from '../../web/settings';
import { ENGINE_FIELDS as GENERATED_FIELDS, LIVE_ENGINE_KEYS, engineField } from '../../web/settings/fields';

const ALL_KEYS = SETTINGS.map((row) => row.key);

// ---------------------------------------------------------------------------------------------
describe('the table', () => {
  it('has one row per Settings field, with the agreed URL keys', () => {
    expect(Object.keys(DEFAULT_SETTINGS).sort()).toEqual([...ALL_KEYS].sort());
    expect(new Set(ALL_KEYS).size).toBe(ALL_KEYS.length);
    const urlKeys = Object.fromEntries(SETTINGS.map((row) => [row.key, row.urlKey]));
    expect(urlKeys).toEqual({
      preset: 'preset', graph: 'graph', S: 'S', T: 'T', alpha: 'alpha', heads: 'heads', optimizer: 'opt',
      lr: 'lr', wd: 'wd', schedule: 'sched', batch: 'batch', steps: 'steps', init_std: 'init', seed: 'seed',
      graph_seed: 'gseed', q: 'q', k: 'k', spec: 'spec', speed: 'speed', view: 'view',
      model: 'model', mlp: 'mlp', mlp_width: 'mlpw',
    });
  });

  it('marks exactly lr, speed and view as live', () => {
    expect(SETTINGS.filter((row) => row.live).map((row) => row.key).sort()).toEqual(['lr', 'speed', 'view']);
  });

  it("takes the engine settings' kinds, ranges and liveness from the engine's table", () => {
    expect(LIVE_ENGINE_KEYS).toEqual(['lr', 'freeze']);
    for (const row of SETTINGS) {
      const field = engineField(row.key);
      if (!field) continue;
      expect(row.live, row.key).toBe(field.live);
      if (row.kind === 'int' || row.kind === 'number') expect(rangeText(row), row.key).toBe(field.range);
      if (row.kind === 'enum') expect(row.options, row.key).toEqual('choices' in field ? field.choices : []);
    }
    // The page starts with a browser-sized batch and seed 1 (as every preset does); the rest are the engine's.
    for (const row of SETTINGS) {
      const field = engineField(row.key);
      if (field && row.key !== 'batch' && row.key !== 'seed') expect(row.default, row.key).toEqual(field.default);
    }
  });

  it('has defaults that pass its own validation, and a label and help on every row', () => {
    for (const row of SETTINGS) {
      expect(row.label.length, row.key).toBeGreaterThan(0);
      expect(row.help.length, row.key).toBeGreaterThan(0);
      const raw = Array.isArray(row.default) ? row.default.join(',') : String(row.default);
      expect(validateSetting(row.key, raw), row.key).toEqual({ value: row.default });
    }
  });

  it("has the engine's ranges", () => {
    const ranges = Object.fromEntries(SETTINGS.map((row) => [row.key, rangeText(row)]));
    expect(ranges).toMatchObject({
      S: '[2, 64]', T: '[3, 64]', alpha: '[0.001, 100]', lr: '(0, 10000]', wd: '[0, 10]', batch: '[1, 8192]',
      steps: '[1, 100000000]', init_std: '[0, 10]', seed: '[0, 4294967295]', graph_seed: '[0, 4294967295]',
      q: '[0, 1]', k: '[1, 4]', speed: '[0, 10000]', optimizer: 'sgd|adam|adamw', schedule: 'constant|cosine',
      view: 'parameter|batch', graph: 'chain|icl|tree|dag|trigram|ngram|paper2|custom',
      preset: 'induction|pairs|tree|dag|trigram|paper2|custom|standard',
      model: 'catformer|standard', mlp: 'off|on', mlp_width: '[0, 1024]',
    });
    expect(settingRow('steps').default).toBe(2000);
  });

  it('keeps DEFAULT_SETTINGS frozen and equal to the default preset', () => {
    expect(DEFAULT_PRESET).toBe('induction');
    expect(presetSettings(DEFAULT_PRESET)).toEqual(DEFAULT_SETTINGS);
    expect(Object.isFrozen(DEFAULT_SETTINGS) && Object.isFrozen(DEFAULT_SETTINGS.heads)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('presets', () => {
  // The tested recipes of docs/science.md ("Recipes"), field by field.
  const single = { S: 10, T: 20, alpha: 0.1, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 128, init_std: 0, seed: 1 } satisfies Partial<Settings>;
  const recipes: Record<PresetName, Partial<Settings>> = {
    induction: { graph: 'chain', ...single },
    pairs: { graph: 'icl', ...single },
    tree: { graph: 'tree', ...single, graph_seed: 2 },
    dag: { graph: 'dag', ...single, q: 0.5, S: 3, graph_seed: 1, optimizer: 'sgd', lr: 3, batch: 64 },
    trigram: { graph: 'trigram', ...single, S: 5, heads: [2, 1], init_std: 0.1 },
    paper2: { graph: 'paper2', ...single, S: 5, heads: [2, 1], lr: 0.02, init_std: 0.1 },
    custom: { graph: 'custom', ...single, S: 5, T: 8, spec: '-;0;1;0;3;4;5;-' },
    standard: {
      graph: 'chain', ...single, model: 'standard', optimizer: 'adamw', lr: 0.01, wd: 2e-4, schedule: 'cosine', steps: 2000,
      view: 'batch',
    },
  };
  const titles: Record<PresetName, string> = {
    induction: 'Induction head (in-context Markov chain)',
    pairs: 'In-context pairs (x → y)',
    tree: 'Random tree',
    dag: 'Random DAG',
    trigram: 'Trigram: two heads split the parents',
    paper2: "The paper's two-parent graph",
    custom: 'Custom graph',
    standard: 'Standard transformer: the induction head forms too',
  };

  it('are the eight, in order, with their titles', () => {
    expect(Object.keys(PRESETS)).toEqual(['induction', 'pairs', 'tree', 'dag', 'trigram', 'paper2', 'custom', 'standard']);
    expect([...PRESET_NAMES]).toEqual(Object.keys(PRESETS));
    for (const name of PRESET_NAMES) {
      expect(PRESETS[name].name).toBe(name);
      expect(PRESETS[name].title).toBe(titles[name]);
      expect(name).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it.each(PRESET_NAMES)('%s has a description of exactly two sentences', (name) => {
    const description = PRESETS[name].description;
    const sentences = description.split(/(?<=[.!?])\s+/);
    expect(sentences).toHaveLength(2);
    for (const sentence of sentences) expect(sentence).toMatch(/^[A-Z].*[a-z0-9)][.!?]$/);
  });

  it.each(PRESET_NAMES)('?preset=%s applies its recipe', (name) => {
    const { settings, notices } = parseSettings(`?preset=${name}`);
    expect(notices).toEqual([]);
    expect(settings).toMatchObject({ ...recipes[name], preset: name });
    // Everything the recipe does not name is the table's default.
    for (const key of ALL_KEYS)
      if (!(key in recipes[name]) && key !== 'preset') expect(settings[key], key).toEqual(DEFAULT_SETTINGS[key]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('URL round trip', () => {
  it('reads an empty query as the defaults', () => {
    for (const search of ['', '?']) expect(parseSettings(search)).toEqual({ settings: DEFAULT_SETTINGS, notices: [] });
  });

  it.each(PRESET_NAMES)('writes preset %s as just its name, and reads it back', (name) => {
    const settings = presetSettings(name);
    expect(settingsToSearch(settings)).toBe(`preset=${name}`);
    expect(parseSettings(settingsToSearch(settings))).toEqual({ settings, notices: [] });
    expect(parseSettings(`?${settingsToSearch(settings)}`).settings).toEqual(settings);
  });

  it('writes and reads back a settings object with every field changed', () => {
    const changed: Settings = {
      preset: 'dag', graph: 'ngram', S: 7, T: 12, alpha: 0.35, heads: [3, 2, 1], optimizer: 'adamw', lr: 0.0125,
      wd: 0.001, schedule: 'cosine', batch: 96, steps: 5000, init_std: 0.02, seed: 4294967295, graph_seed: 77,
      q: 0.25, k: 2, spec: '-;0;0;1,2', speed: 250, view: 'batch', model: 'standard', mlp: 'on', mlp_width: 64,
    };
    const dag = presetSettings('dag');
    for (const key of ALL_KEYS) {
      expect(changed[key], key).not.toEqual(DEFAULT_SETTINGS[key]);
      if (key !== 'preset') expect(changed[key], key).not.toEqual(dag[key]);
    }
    const search = settingsToSearch(changed);
    const written = [...new URLSearchParams(search).keys()];
    expect(written).toEqual(SETTINGS.map((row) => row.urlKey));
    expect(search).toContain('heads=3,2,1');
    expect(search).toContain('spec=-;0;0;1,2');
    expect(parseSettings(search)).toEqual({ settings: changed, notices: [] });
  });

  it('writes only what differs from the preset, and keeps awkward numbers exact', () => {
    const settings = { ...presetSettings('trigram'), lr: 0.1 + 0.2, alpha: 1e-3, wd: 1e-7, seed: 0 };
    const search = settingsToSearch(settings);
    expect(search).toBe('preset=trigram&alpha=0.001&lr=0.30000000000000004&wd=1e-7&seed=0');
    expect(parseSettings(search).settings).toEqual(settings);
  });

  it('returns a fresh object each time (no shared heads array)', () => {
    const first = parseSettings('').settings;
    const second = parseSettings('').settings;
    expect(first.heads).not.toBe(second.heads);
    expect(first.heads).not.toBe(DEFAULT_SETTINGS.heads);
  });

  it('applies the preset first, wherever it stands, then the overrides', () => {
    for (const search of ['preset=trigram&S=7&lr=0.01', 'S=7&lr=0.01&preset=trigram']) {
      const { settings, notices } = parseSettings(search);
      expect(notices).toEqual([]);
      expect(settings).toEqual({ ...presetSettings('trigram'), S: 7, lr: 0.01 });
    }
  });

  it('accepts a setting by its full name too (optimizer for opt)', () => {
    const { settings, notices } = parseSettings('optimizer=sgd&init_std=0.5&graph_seed=9');
    expect(notices).toEqual([]);
    expect(settings).toMatchObject({ optimizer: 'sgd', init_std: 0.5, graph_seed: 9 });
  });
});

// ---------------------------------------------------------------------------------------------
describe('bad URL values', () => {
  // [query, the key as written, the setting, text of its allowed range]
  const cases: [string, string, SettingKey, string][] = [
    ['S=1', 'S', 'S', '[2, 64]'],
    ['S=abc', 'S', 'S', '[2, 64]'],
    ['S=', 'S', 'S', '[2, 64]'],
    ['S=10.5', 'S', 'S', '[2, 64]'],
    ['T=100', 'T', 'T', '[3, 64]'],
    ['lr=-1', 'lr', 'lr', '(0, 10000]'],
    ['lr=0', 'lr', 'lr', '(0, 10000]'],
    ['lr=NaN', 'lr', 'lr', '(0, 10000]'],
    ['lr=Infinity', 'lr', 'lr', '(0, 10000]'],
    ['lr=0x10', 'lr', 'lr', '(0, 10000]'],
    ['alpha=%201', 'alpha', 'alpha', '[0.001, 100]'],
    ['heads=1,9', 'heads', 'heads', '1 to 4 layers of 1 to 4 heads'],
    ['heads=x', 'heads', 'heads', '1 to 4 layers of 1 to 4 heads'],
    ['heads=1,1,1,1,1', 'heads', 'heads', '1 to 4 layers of 1 to 4 heads'],
    ['heads=1,', 'heads', 'heads', '1 to 4 layers of 1 to 4 heads'],
    ['heads=0', 'heads', 'heads', '1 to 4 layers of 1 to 4 heads'],
    ['optimizer=foo', 'optimizer', 'optimizer', 'sgd|adam|adamw'],
    ['opt=foo', 'opt', 'optimizer', 'sgd|adam|adamw'],
    ['sched=linear', 'sched', 'schedule', 'constant|cosine'],
    ['view=3d', 'view', 'view', 'parameter|batch'],
    ['graph=cycle', 'graph', 'graph', 'chain|icl|tree|dag|trigram|ngram|paper2|custom'],
    ['seed=-3', 'seed', 'seed', '[0, 4294967295]'],
    ['seed=1.5', 'seed', 'seed', '[0, 4294967295]'],
    ['seed=4294967296', 'seed', 'seed', '[0, 4294967295]'],
    ['speed=20000', 'speed', 'speed', '[0, 10000]'],
    ['spec=a;b', 'spec', 'spec', 'e.g. -;0;0;1,2'],
    ['preset=nope', 'preset', 'preset', 'induction|pairs|tree|dag|trigram|paper2|custom'],
  ];

  it.each(cases)('%s gives one notice naming the key, the value and the range, and keeps the default', (query, name, key, range) => {
    const { settings, notices } = parseSettings(`?${query}`);
    expect(notices).toHaveLength(1);
    const raw = new URLSearchParams(query).get(name) ?? '';
    expect(notices[0]).toContain(raw === '' ? `${name} is empty: give ` : `${name}=${raw} `);
    expect(notices[0]).toContain(range);
    const fallback = DEFAULT_SETTINGS[key];
    expect(notices[0]).toMatch(new RegExp(`; using ${Array.isArray(fallback) ? fallback.join(',') : fallback}$`));
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('says "out of range" for a number outside its range, with the range and the default it uses', () => {
    expect(parseSettings('S=1').notices).toEqual(['S=1 is out of range [2, 64]; using 10']);
    expect(parseSettings('seed=1.5').notices).toEqual(['seed=1.5 is not an integer in [0, 4294967295]; using 1']);
    expect(parseSettings('lr=NaN').notices).toEqual(['lr=NaN is not a number in (0, 10000]; using 0.05']);
    expect(parseSettings('opt=foo').notices).toEqual(['opt=foo is not one of sgd|adam|adamw; using adam']);
  });

  it('names an unknown key and lists the known ones', () => {
    const { settings, notices } = parseSettings('zzz=1');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('zzz=1');
    expect(notices[0]).toContain('is not a setting');
    expect(notices[0]).toContain('preset, graph, S, T, alpha, heads, opt');
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('falls back to the preset value, not the table default, under a preset', () => {
    const { settings, notices } = parseSettings('preset=dag&S=1&heads=9');
    expect(notices).toEqual([
      'S=1 is out of range [2, 64]; using 3',
      'heads=9 is not 1 to 4 layers of 1 to 4 heads, e.g. 1,1; using 1,1',
    ]);
    expect(settings).toEqual(presetSettings('dag'));
  });

  it('gives one notice per bad key when many are bad, and keeps the good ones', () => {
    const bad = ['S=1', 'T=abc', 'lr=-1', 'heads=x', 'opt=foo', 'seed=-3', 'zzz=1', 'preset=nope'];
    const { settings, notices } = parseSettings(`?${[...bad, 'batch=64'].join('&')}`);
    expect(notices).toHaveLength(bad.length);
    // The preset's notice comes first (it is applied first); the rest follow the URL's order.
    expect(notices[0]).toMatch(/^preset=nope /);
    bad.slice(0, -1).forEach((pair, i) => expect(notices[i + 1].startsWith(pair.replace('zzz=1', 'zzz=1 '))).toBe(true));
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, batch: 64 });
  });

  it('ignores the keys it is told to, silently', () => {
    expect(parseSettings('embed=1&S=12', { ignore: ['embed'] })).toEqual({
      settings: { ...DEFAULT_SETTINGS, S: 12 },
      notices: [],
    });
    expect(parseSettings('embed=1').notices).toHaveLength(1);
  });

  it('cuts a very long bad value short in the notice', () => {
    const { notices } = parseSettings(`spec=${'x'.repeat(5000)}`);
    expect(notices).toHaveLength(1);
    expect(notices[0].length).toBeLessThan(300);
  });

  it('never throws on odd input', () => {
    for (const search of ['?&&&', '?=', '?%', '?S=%E0%A4%A', '??S=3', '?preset', '#x', '?a=1&a=2&=&S=5=5'])
      expect(() => parseSettings(search)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
describe('validateSetting', () => {
  it('returns the parsed value of a good entry', () => {
    expect(validateSetting('S', '12')).toEqual({ value: 12 });
    expect(validateSetting('lr', '1e-3')).toEqual({ value: 0.001 });
    expect(validateSetting('heads', '2,1')).toEqual({ value: [2, 1] });
    expect(validateSetting('optimizer', 'sgd')).toEqual({ value: 'sgd' });
    expect(validateSetting('speed', '0')).toEqual({ value: 0 });
    // -0 would print as 0 in a link and break the round trip: it reads as 0.
    expect(Object.is((validateSetting('wd', '-0') as { value: number }).value, 0)).toBe(true);
  });

  it('gives a form the same message as the URL notice, without the fallback', () => {
    expect(validateSetting('S', '1')).toEqual({ error: 'S=1 is out of range [2, 64]' });
    expect(validateSetting('init_std', '11')).toEqual({ error: 'init_std=11 is out of range [0, 10]' });
    const notice = parseSettings('init=11').notices[0];
    expect(notice).toBe(`${(validateSetting('init_std', '11', 'init') as { error: string }).error}; using 0`);
  });
});

// ---------------------------------------------------------------------------------------------
describe('needsReset', () => {
  const base = presetSettings('induction');

  it('is true when a setting that is not live changes', () => {
    expect(needsReset(base, { ...base, S: 12 })).toBe(true);
    expect(needsReset(base, { ...base, heads: [1, 2] })).toBe(true);
    expect(needsReset(base, { ...base, seed: 2 })).toBe(true);
    expect(needsReset(base, { ...base, preset: 'pairs' })).toBe(true);
  });

  it('is false for lr, speed and view, and for an equal copy', () => {
    expect(needsReset(base, { ...base, lr: 0.5 })).toBe(false);
    expect(needsReset(base, { ...base, speed: 30 })).toBe(false);
    expect(needsReset(base, { ...base, view: 'batch' })).toBe(false);
    expect(needsReset(base, { ...base, heads: [1, 1] })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('toEngineConfig', () => {
  const ENGINE_FIELDS = [
    'graph', 'S', 'T', 'alpha', 'heads', 'optimizer', 'lr', 'wd', 'schedule', 'batch', 'steps', 'init_std', 'seed',
    'graph_seed', 'q', 'k', 'spec', 'test_size', 'model', 'mlp', 'mlp_width',
  ];

  it("uses exactly the engine field names, all in the engine's table (fields.generated.ts), which EngineConfig follows", async () => {
    const config = toEngineConfig(DEFAULT_SETTINGS);
    expect(Object.keys(config).sort()).toEqual([...ENGINE_FIELDS].sort());
    const declared: string[] = GENERATED_FIELDS.map((field) => field.name);
    expect(declared.length).toBeGreaterThan(10);
    for (const field of ENGINE_FIELDS) expect(declared, field).toContain(field);
    const declaration = await readFile(new URL('../../web/engine/engine.d.ts', import.meta.url), 'utf8');
    expect(declaration).toMatch(/export type EngineConfig = \{\s*\[K in EngineKey\]\?/);
  });

  it.each(PRESET_NAMES)('gives values in range for preset %s', (name) => {
    const settings = presetSettings(name);
    const config = toEngineConfig(settings);
    expect(config.test_size).toBe(512);
    expect(config.steps).toBe(settings.steps);
    expect(Array.isArray(config.heads)).toBe(true);
    expect(config.heads).not.toBe(settings.heads);
    for (const field of ENGINE_FIELDS.filter((f) => f !== 'test_size')) {
      const value = config[field as keyof typeof config];
      const raw = Array.isArray(value) ? value.join(',') : String(value);
      expect(validateSetting(field as SettingKey, raw), field).toEqual({ value });
    }
  });
});

// ---------------------------------------------------------------------------------------------
const built = existsSync(new URL('../../web/engine/generated/cpg.wasm', import.meta.url));

describe.skipIf(!built)('against the built engine (needs npm run build:wasm)', () => {
  async function engineModule() {
    const { loadTestModule } = await import('./helpers/engine');
    return loadTestModule({ simd: true });
  }

  it("quotes the engine's own ranges", async () => {
    const module = await engineModule();
    const engineRanges = new Map(module.fieldRanges().map((row) => [row.field, row.range]));
    // k's and spec's engine ranges depend on T; the table checks what it can alone.
    for (const row of SETTINGS.filter((r) => engineRanges.has(r.key) && r.key !== 'k' && r.key !== 'spec'))
      expect(rangeText(row), row.key).toBe(engineRanges.get(row.key));
  });

  it("has the engine's defaults in its generated copy of the table", async () => {
    const module = await engineModule();
    const defaults = module.defaultConfig();
    expect(Object.keys(defaults).sort()).toEqual(GENERATED_FIELDS.map((field) => field.name).sort());
    for (const field of GENERATED_FIELDS) expect(defaults[field.name], field.name).toEqual(field.default);
    const ranges = new Map(module.fieldRanges().map((row) => [row.field, row.range]));
    for (const field of GENERATED_FIELDS) expect(ranges.get(field.name), field.name).toBe(field.range);
  });

  it('configures every preset without an error', async () => {
    const module = await engineModule();
    const engine = new module.Engine();
    try {
      // The raw module returns undefined on success, {error: message} otherwise (engine.d.ts).
      for (const name of PRESET_NAMES) expect(engine.configure(toEngineConfig(presetSettings(name))), name).toBeUndefined();
      // And a bad combination comes back as the engine's message, not as silence.
      expect(engine.configure(toEngineConfig({ ...presetSettings('custom'), T: 10 }))).toHaveProperty('error', expect.stringMatching(/./));
    } finally {
      engine.delete();
    }
  });
});
