// Every user setting in one typed table (after tensorflow/playground's State.PROPS): its URL
// key, label, default, allowed range and whether it applies live. URL parsing and writing, the
// form inputs' validation and the engine config are all driven by this table, so a setting is
// added in one place.
//
// The ranges are the engine's (cpp/engine/config.cpp, field_ranges and validation_error); the
// engine stays the authority on what depends on several fields at once (k against T, a custom
// spec against T) and reports those itself.
import type { EngineConfig } from './engine/engine';
import { DEFAULT_PRESET, PRESETS, PRESET_NAMES, type PresetName } from './presets';

export { DEFAULT_PRESET, PRESETS, PRESET_NAMES, type PresetName };

export const GRAPHS = ['chain', 'icl', 'tree', 'dag', 'trigram', 'ngram', 'paper2', 'custom'] as const;
export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export const SCHEDULES = ['constant', 'cosine'] as const;
/** Which first-layer attention the heat maps show: the parameters' own, or averaged over a batch. */
export const VIEWS = ['parameter', 'batch'] as const;

export type GraphName = (typeof GRAPHS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type ScheduleName = (typeof SCHEDULES)[number];
export type ViewName = (typeof VIEWS)[number];

export interface Settings {
  preset: PresetName;
  graph: GraphName;
  S: number;
  T: number;
  alpha: number;
  /** Heads per layer, e.g. [1, 1]; "1,1" in the URL. */
  heads: readonly number[];
  optimizer: OptimizerName;
  lr: number;
  wd: number;
  schedule: ScheduleName;
  batch: number;
  /** Planned steps: the cosine schedule's horizon. */
  steps: number;
  init_std: number;
  seed: number;
  graph_seed: number;
  q: number;
  k: number;
  spec: string;
  /** Steps per second; 0 runs as fast as the machine allows. */
  speed: number;
  view: ViewName;
}

export type SettingKey = keyof Settings;
export type SettingKind = 'int' | 'number' | 'enum' | 'heads' | 'string' | 'boolean';

// Which kind of row each setting has (checked against Settings below).
type IntKey = 'S' | 'T' | 'batch' | 'steps' | 'seed' | 'graph_seed' | 'k';
type NumberKey = 'alpha' | 'lr' | 'wd' | 'init_std' | 'q' | 'speed';
type EnumKey = 'preset' | 'graph' | 'optimizer' | 'schedule' | 'view';
type StringKey = 'spec';
type BooleanKey = { [K in SettingKey]: Settings[K] extends boolean ? K : never }[SettingKey];

interface RowBase<K extends SettingKey> {
  key: K;
  /** Short and stable: links in the wild depend on it. */
  urlKey: string;
  label: string;
  default: Settings[K];
  /** Applies to a running run without a reset. */
  live: boolean;
  help: string;
}
export interface IntRow<K extends IntKey = IntKey> extends RowBase<K> {
  kind: 'int';
  min: number;
  max: number;
}
export interface NumberRow<K extends NumberKey = NumberKey> extends RowBase<K> {
  kind: 'number';
  min: number;
  max: number;
  /** The range excludes `min` itself: (min, max]. */
  minExclusive?: boolean;
}
export interface EnumRow<K extends EnumKey = EnumKey> extends RowBase<K> {
  kind: 'enum';
  options: readonly Settings[K][];
}
export interface HeadsRow extends RowBase<'heads'> {
  kind: 'heads';
  maxLayers: number;
  maxHeadsPerLayer: number;
}
export interface StringRow<K extends StringKey = StringKey> extends RowBase<K> {
  kind: 'string';
  /** What a value must look like, in words (quoted by messages). */
  format: string;
  pattern: RegExp;
  maxLength: number;
}
export interface BooleanRow<K extends BooleanKey = BooleanKey> extends RowBase<K> {
  kind: 'boolean';
}
export type SettingRow = IntRow | NumberRow | EnumRow | HeadsRow | StringRow | BooleanRow;

type RowFor<K extends SettingKey> = K extends IntKey
  ? IntRow<K>
  : K extends NumberKey
    ? NumberRow<K>
    : K extends EnumKey
      ? EnumRow<K>
      : K extends 'heads'
        ? HeadsRow
        : K extends StringKey
          ? StringRow<K>
          : K extends BooleanKey
            ? BooleanRow<K>
            : never;

const SEED_MAX = 4294967295;

// =============================================================================================
// The table. Its type makes the compiler insist on exactly one row per Settings field; the
// order here is the order of SETTINGS (and of the parameters in a written URL).
// =============================================================================================
const ROWS: { readonly [K in SettingKey]: RowFor<K> } = {
  preset: {
    key: 'preset', urlKey: 'preset', label: 'Preset', kind: 'enum', options: PRESET_NAMES, default: DEFAULT_PRESET,
    live: false, help: 'A ready-made task and recipe; the other settings in a link are changes to it.',
  },
  graph: {
    key: 'graph', urlKey: 'graph', label: 'Causal graph', kind: 'enum', options: GRAPHS, default: 'chain',
    live: false, help: 'The hidden graph that says which earlier positions each token depends on.',
  },
  S: {
    key: 'S', urlKey: 'S', label: 'Vocabulary size S', kind: 'int', min: 2, max: 64, default: 10,
    live: false, help: 'How many different tokens there are.',
  },
  T: {
    key: 'T', urlKey: 'T', label: 'Sequence length T', kind: 'int', min: 3, max: 64, default: 20,
    live: false, help: 'How many tokens the model sees; the last one is the query.',
  },
  alpha: {
    key: 'alpha', urlKey: 'alpha', label: 'Dirichlet alpha', kind: 'number', min: 0.001, max: 100, default: 0.1,
    live: false, help: 'Smaller alpha makes each random transition table more peaked, so it is easier to learn.',
  },
  heads: {
    key: 'heads', urlKey: 'heads', label: 'Heads per layer', kind: 'heads', maxLayers: 4, maxHeadsPerLayer: 4,
    default: [1, 1], live: false, help: 'Attention heads in each layer, first layer first, e.g. 2,1.',
  },
  optimizer: {
    key: 'optimizer', urlKey: 'opt', label: 'Optimizer', kind: 'enum', options: OPTIMIZERS, default: 'adam',
    live: false, help: 'The update rule: plain gradient descent, Adam, or Adam with decoupled weight decay.',
  },
  lr: {
    key: 'lr', urlKey: 'lr', label: 'Learning rate', kind: 'number', min: 0, minExclusive: true, max: 10000,
    default: 0.05, live: true, help: 'The step size; too large and training diverges.',
  },
  wd: {
    key: 'wd', urlKey: 'wd', label: 'Weight decay', kind: 'number', min: 0, max: 10, default: 0,
    live: false, help: 'Pulls the weights towards zero at every step.',
  },
  schedule: {
    key: 'schedule', urlKey: 'sched', label: 'Schedule', kind: 'enum', options: SCHEDULES, default: 'constant',
    live: false, help: 'Keep the learning rate constant, or decay it to zero along a cosine over the planned steps.',
  },
  batch: {
    key: 'batch', urlKey: 'batch', label: 'Batch size', kind: 'int', min: 1, max: 8192, default: 128,
    live: false, help: 'Sequences per training step.',
  },
  steps: {
    key: 'steps', urlKey: 'steps', label: 'Planned steps', kind: 'int', min: 1, max: 100000000, default: 2000,
    live: false, help: 'The length of the cosine schedule; training may go on past it.',
  },
  init_std: {
    key: 'init_std', urlKey: 'init', label: 'Init scale', kind: 'number', min: 0, max: 10, default: 0,
    live: false, help: 'Spread of the random initial attention weights; 0 is the paper, > 0 lets heads differ.',
  },
  seed: {
    key: 'seed', urlKey: 'seed', label: 'Seed', kind: 'int', min: 0, max: SEED_MAX, default: 1,
    live: false, help: 'Picks the training data, the test set and the initial weights.',
  },
  graph_seed: {
    key: 'graph_seed', urlKey: 'gseed', label: 'Graph seed', kind: 'int', min: 0, max: SEED_MAX, default: 0,
    live: false, help: 'Picks the random tree or DAG.',
  },
  q: {
    key: 'q', urlKey: 'q', label: 'Parent probability q', kind: 'number', min: 0, max: 1, default: 0.5,
    live: false, help: 'Random DAG: the chance that a position has a parent.',
  },
  k: {
    key: 'k', urlKey: 'k', label: 'Parents per position k', kind: 'int', min: 1, max: 4, default: 3,
    live: false, help: 'n-gram graph: how many earlier tokens each token depends on (at most T - 1).',
  },
  spec: {
    key: 'spec', urlKey: 'spec', label: 'Custom graph', kind: 'string',
    format: "positions separated by ';', each '-' (no parent) or its parents separated by ',', e.g. -;0;0;1,2",
    pattern: /^[-0-9;,]*$/, maxLength: 1000, default: '',
    live: false, help: "One entry per position: '-' for none, else the parents; T entries end with the query '-'.",
  },
  speed: {
    key: 'speed', urlKey: 'speed', label: 'Speed (steps/s)', kind: 'number', min: 0, max: 10000, default: 0,
    live: true, help: 'The most training steps per second; 0 runs as fast as the machine allows.',
  },
  view: {
    key: 'view', urlKey: 'view', label: 'Attention view', kind: 'enum', options: VIEWS, default: 'parameter',
    live: true, help: 'Show the attention the parameters define, or the attention averaged over real sequences.',
  },
};

/** The table, in display (and URL) order. */
export const SETTINGS: readonly SettingRow[] = Object.freeze(Object.values(ROWS) as SettingRow[]);

/** The row of one setting. */
export function settingRow<K extends SettingKey>(key: K): RowFor<K> {
  return ROWS[key];
}

const ROW_BY_URL_KEY = new Map<string, SettingRow>(SETTINGS.map((row) => [row.urlKey, row]));

/** Copies a settings object (heads included), so no two objects share an array. */
function copySettings(settings: Settings): Settings {
  return { ...settings, heads: [...settings.heads] };
}

function deepFreeze(settings: Settings): Readonly<Settings> {
  Object.freeze(settings.heads);
  return Object.freeze(settings);
}

export const DEFAULT_SETTINGS: Readonly<Settings> = deepFreeze(
  copySettings(Object.fromEntries(SETTINGS.map((row) => [row.key, row.default])) as unknown as Settings),
);

/** The settings a preset stands for: its recipe over the defaults. A fresh object. */
export function presetSettings(name: PresetName): Settings {
  return copySettings({ ...DEFAULT_SETTINGS, ...PRESETS[name].settings, preset: name });
}

// =============================================================================================
// One value: validate (from a URL or a form), format (for a URL or a form), compare
// =============================================================================================

/** The allowed values in words, as messages quote them: "[2, 64]", "(0, 10000]", "sgd|adam|adamw". */
export function rangeText(row: SettingRow): string {
  switch (row.kind) {
    case 'int':
    case 'number':
      return `${row.kind === 'number' && row.minExclusive ? '(' : '['}${row.min}, ${row.max}]`;
    case 'enum':
      return row.options.join('|');
    case 'heads':
      return `1 to ${row.maxLayers} layers of 1 to ${row.maxHeadsPerLayer} heads, e.g. 1,1`;
    case 'string':
      return row.format;
    case 'boolean':
      return 'true|false';
  }
}

// A plain decimal or exponent number: no spaces, hex, Infinity or NaN, and not empty
// (Number('') is 0).
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_SHOWN = 40;

// A raw value as a message shows it: long ones cut, so a hostile link cannot flood the page.
function shown(raw: string): string {
  return raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}…` : raw;
}

type Checked<K extends SettingKey> = { value: Settings[K] } | { error: string };

function checkValue(row: SettingRow, raw: string, name: string): Checked<SettingKey> {
  const said = `${name}=${shown(raw)}`;
  switch (row.kind) {
    case 'int':
    case 'number': {
      const value = NUMBER_PATTERN.test(raw) ? Number(raw) + 0 : NaN;  // + 0 turns -0 into 0
      const what = row.kind === 'int' ? 'an integer' : 'a number';
      if (!Number.isFinite(value) || (row.kind === 'int' && !Number.isInteger(value)))
        return { error: `${said} is not ${what} in ${rangeText(row)}` };
      const aboveMin = row.kind === 'number' && row.minExclusive ? value > row.min : value >= row.min;
      if (!aboveMin || value > row.max) return { error: `${said} is out of range ${rangeText(row)}` };
      return { value };
    }
    case 'enum':
      if (!(row.options as readonly string[]).includes(raw))
        return { error: `${said} is not one of ${rangeText(row)}` };
      return { value: raw as Settings[EnumKey] };
    case 'heads': {
      const items = raw.split(',');
      const heads = items.map((item) => (/^\d+$/.test(item) ? Number(item) : NaN));
      const ok =
        items.length >= 1 &&
        items.length <= row.maxLayers &&
        heads.every((h) => Number.isInteger(h) && h >= 1 && h <= row.maxHeadsPerLayer);
      if (!ok) return { error: `${said} is not ${rangeText(row)}` };
      return { value: heads };
    }
    case 'string':
      if (raw.length > row.maxLength || !row.pattern.test(raw))
        return { error: `${said} is not ${rangeText(row)}` };
      return { value: raw };
    case 'boolean':
      if (raw === 'true' || raw === '1') return { value: true as never };
      if (raw === 'false' || raw === '0') return { value: false as never };
      return { error: `${said} is not one of ${rangeText(row)}` };
  }
}

/**
 * Checks a setting's raw text, from a URL or a form input. The error names the setting (by
 * `name`, default its Settings key), the bad value and the allowed range, e.g.
 * "S=1 is out of range [2, 64]"; the URL parser adds "; using 10".
 */
export function validateSetting<K extends SettingKey>(key: K, rawValue: string, name: string = key): Checked<K> {
  return checkValue(ROWS[key], rawValue, name) as Checked<K>;
}

/** A value as the URL and the form inputs write it: numbers shortest-exact, heads "1,1". */
export function formatSetting<K extends SettingKey>(key: K, value: Settings[K]): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function sameValue(a: Settings[SettingKey], b: Settings[SettingKey]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

// =============================================================================================
// URL: parse and write
// =============================================================================================

export interface ParseOptions {
  /** Keys the page owns (e.g. 'embed'): not settings, and no notice. */
  ignore?: readonly string[];
}

/**
 * Reads settings from a URL query string (with or without '?'). `preset` applies first, then
 * every other key overrides it, by its URL key (or its Settings name, e.g. `optimizer` for
 * `opt`); the last of repeated keys wins. An unknown key or a bad value adds a notice and
 * leaves the preset's value. Never throws.
 */
export function parseSettings(search: string, options: ParseOptions = {}): { settings: Settings; notices: string[] } {
  const notices: string[] = [];
  const ignore = new Set(options.ignore ?? []);
  let params: [string, string][];
  try {
    params = [...new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)];
  } catch {
    params = [];  // URLSearchParams does not throw on strings; this is a seatbelt for "never throws"
  }
  const rowOf = (name: string): SettingRow | undefined =>
    ROW_BY_URL_KEY.get(name) ?? (Object.hasOwn(ROWS, name) ? ROWS[name as SettingKey] : undefined);

  let preset: PresetName = DEFAULT_PRESET;
  for (const [name, raw] of params) {
    if (rowOf(name)?.key !== 'preset') continue;
    const checked = validateSetting('preset', raw, name);
    if ('value' in checked) preset = checked.value;
    else notices.push(`${checked.error}; using ${preset}`);
  }
  const settings = presetSettings(preset);
  const values = settings as unknown as Record<SettingKey, Settings[SettingKey]>;

  for (const [name, raw] of params) {
    if (ignore.has(name)) continue;
    const row = rowOf(name);
    if (row === undefined) {
      if (name === '' && raw === '') continue;
      notices.push(`${shown(name)}=${shown(raw)} is not a setting (known: ${SETTINGS.map((r) => r.urlKey).join(', ')})`);
      continue;
    }
    if (row.key === 'preset') continue;
    const checked = checkValue(row, raw, name);
    if ('value' in checked) values[row.key] = checked.value;
    else notices.push(`${checked.error}; using ${formatSetting(row.key, values[row.key])}`);
  }
  return { settings: copySettings(settings), notices };
}

/**
 * The query string (without '?') of a link to these settings: `preset`, then every setting
 * that differs from that preset, so links stay short. parseSettings reads it back exactly
 * (for settings that are valid).
 */
export function settingsToSearch(settings: Settings): string {
  const base = presetSettings(settings.preset);
  const parts = [`preset=${encode(settings.preset)}`];
  for (const row of SETTINGS) {
    if (row.key === 'preset' || sameValue(settings[row.key], base[row.key])) continue;
    parts.push(`${row.urlKey}=${encode(formatSetting(row.key, settings[row.key]))}`);
  }
  return parts.join('&');
}

// Percent-encodes a value, but keeps ',' and ';' (safe in a query; heads and spec use them).
function encode(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3B/g, ';');
}

// =============================================================================================
// Engine and run
// =============================================================================================

/** What the worker's `configure` takes: the engine's field names, heads as a list. */
export function toEngineConfig(settings: Settings): EngineConfig {
  return {
    graph: settings.graph,
    S: settings.S,
    T: settings.T,
    alpha: settings.alpha,
    heads: [...settings.heads],
    optimizer: settings.optimizer,
    lr: settings.lr,
    wd: settings.wd,
    schedule: settings.schedule,
    batch: settings.batch,
    steps: settings.steps,
    init_std: settings.init_std,
    seed: settings.seed,
    graph_seed: settings.graph_seed,
    q: settings.q,
    k: settings.k,
    spec: settings.spec,
    test_size: 512,
  };
}

/** Whether going from `before` to `after` needs a new run: any setting that is not live changed. */
export function needsReset(before: Settings, after: Settings): boolean {
  return SETTINGS.some((row) => !row.live && !sameValue(before[row.key], after[row.key]));
}
