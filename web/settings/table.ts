// Every user setting in one typed table (after tensorflow/playground's State.PROPS). The engine
// settings' types, defaults, ranges and liveness come from the engine's own table
// (fields.generated.ts, from cpp/engine/config.cpp); a row here adds only what is the page's own:
// the URL key, the label, the help, and the form's checks of free text. Page-only settings
// (preset, speed, view) are whole rows here. URL parsing and writing (url.ts), the form inputs'
// validation and the engine config are all driven by this table.
//
// The engine stays the authority on what depends on several fields at once (k against T, a
// custom spec against T) and reports those itself.
import type { EngineConfig } from '../engine/engine';
import { engineFieldOf, isEngineKey, type EngineField, type EngineKey, type EngineKeysOfType, type EngineValues } from './fields';

/** The presets' URL-safe ids (`?preset=<name>`, `data-testid="preset-<name>"`); presets.ts holds the recipes. */
export const PRESET_NAMES = ['induction', 'pairs', 'tree', 'dag', 'trigram', 'paper2', 'custom', 'standard'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export const DEFAULT_PRESET: PresetName = 'induction';

export const GRAPHS = engineFieldOf('graph').choices;
export const OPTIMIZERS = engineFieldOf('optimizer').choices;
export const SCHEDULES = engineFieldOf('schedule').choices;
export const MODELS = engineFieldOf('model').choices;
/** Which first-layer attention the heat maps show: the parameters' own, or averaged over a batch. */
export const VIEWS = ['parameter', 'batch'] as const;

export type GraphName = (typeof GRAPHS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type ScheduleName = (typeof SCHEDULES)[number];
export type ViewName = (typeof VIEWS)[number];

/**
 * Engine settings the page does not offer: they keep the engine's defaults (test_size is set in
 * toEngineConfig). A new engine setting is either listed here or given a row in ROWS below; the
 * compiler insists on one of the two.
 */
type HiddenEngineKey = 'init' | 'beta' | 'w' | 'every' | 'test_size' | 'freeze';
type PageEngineKey = Exclude<EngineKey, HiddenEngineKey>;

/** The engine settings the page offers; heads is read-only here ("1,1" in the URL). */
type EngineSettings = { [K in PageEngineKey]: K extends 'heads' ? readonly number[] : EngineValues[K] };

export interface Settings extends EngineSettings {
  preset: PresetName;
  /** Steps per second; 0 runs as fast as the machine allows. */
  speed: number;
  view: ViewName;
}

export type SettingKey = keyof Settings;
export type SettingKind = 'int' | 'number' | 'enum' | 'heads' | 'string' | 'boolean';

// Which kind of row each setting has: the engine's type for engine settings.
type IntKey = Extract<SettingKey, EngineKeysOfType<'int' | 'int64' | 'uint32'>>;
type NumberKey = Extract<SettingKey, EngineKeysOfType<'double'>> | 'speed';
type EnumKey = Extract<SettingKey, EngineKeysOfType<'enum'>> | 'preset' | 'view';
type StringKey = Extract<SettingKey, EngineKeysOfType<'string'>>;
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

/** What a row of an engine setting adds: the page's own facts (and, rarely, its own default). */
type PageOwn<K extends PageEngineKey> = {
  urlKey: string;
  label: string;
  help: string;
  /** Only where the page starts elsewhere than the engine (every preset sets these anyway). */
  default?: Settings[K];
} & (K extends StringKey ? Pick<StringRow, 'format' | 'pattern' | 'maxLength'> : unknown);

/** The row of an engine setting: kind, range, default and liveness from the engine's table. */
function engineRow<K extends PageEngineKey>(key: K, own: PageOwn<K>): RowFor<K> {
  const field: EngineField = engineFieldOf(key);
  const engineDefault: unknown = Array.isArray(field.default) ? [...field.default] : field.default;
  const base = { key, live: field.live, ...own, default: own.default ?? engineDefault };
  switch (field.type) {
    case 'int':
    case 'int64':
    case 'uint32':
      return { ...base, kind: 'int', min: field.min, max: field.max } as unknown as RowFor<K>;
    case 'double':
      return {
        ...base, kind: 'number', min: field.min, max: field.max, ...(field.min_exclusive ? { minExclusive: true } : {}),
      } as unknown as RowFor<K>;
    case 'enum':
      return { ...base, kind: 'enum', options: field.choices } as unknown as RowFor<K>;
    case 'heads':
      return { ...base, kind: 'heads', maxLayers: field.max_layers, maxHeadsPerLayer: field.max } as unknown as RowFor<K>;
    case 'string':
      return { ...base, kind: 'string' } as unknown as RowFor<K>;
    default:
      throw new Error(`${key}: the page has no form for engine settings of type ${field.type}`);
  }
}

// =============================================================================================
// The table. Its type makes the compiler insist on exactly one row per Settings field; the
// order here is the order of SETTINGS (and of the parameters in a written URL).
// =============================================================================================
const ROWS: { readonly [K in SettingKey]: RowFor<K> } = {
  preset: {
    key: 'preset', urlKey: 'preset', label: 'Preset', kind: 'enum', options: PRESET_NAMES, default: DEFAULT_PRESET,
    live: false, help: 'A ready-made task and recipe; the other settings in a link are changes to it.',
  },
  graph: engineRow('graph', {
    urlKey: 'graph', label: 'Causal graph',
    help: 'The hidden graph that says which earlier positions each token depends on.',
  }),
  S: engineRow('S', { urlKey: 'S', label: 'Vocabulary size S', help: 'How many different tokens there are.' }),
  T: engineRow('T', {
    urlKey: 'T', label: 'Sequence length T', help: 'How many tokens the model sees; the last one is the query.',
  }),
  alpha: engineRow('alpha', {
    urlKey: 'alpha', label: 'Dirichlet alpha',
    help: 'Smaller alpha makes each random transition table more peaked, so it is easier to learn.',
  }),
  heads: engineRow('heads', {
    urlKey: 'heads', label: 'Heads per layer', help: 'Attention heads in each layer, first layer first, e.g. 2,1.',
  }),
  optimizer: engineRow('optimizer', {
    urlKey: 'opt', label: 'Optimizer',
    help: 'The update rule: plain gradient descent, Adam, or Adam with decoupled weight decay.',
  }),
  lr: engineRow('lr', { urlKey: 'lr', label: 'Learning rate', help: 'The step size; too large and training diverges.' }),
  wd: engineRow('wd', { urlKey: 'wd', label: 'Weight decay', help: 'Pulls the weights towards zero at every step.' }),
  schedule: engineRow('schedule', {
    urlKey: 'sched', label: 'Schedule',
    help: 'Keep the learning rate constant, or decay it to zero along a cosine over the planned steps.',
  }),
  // A batch that steps quickly in a browser (the engine's default, 256, suits the CLI).
  batch: engineRow('batch', { urlKey: 'batch', label: 'Batch size', help: 'Sequences per training step.', default: 128 }),
  steps: engineRow('steps', {
    urlKey: 'steps', label: 'Planned steps', help: 'The length of the cosine schedule; training may go on past it.',
  }),
  init_std: engineRow('init_std', {
    urlKey: 'init', label: 'Init scale',
    help: 'Spread of the random initial attention weights; 0 is the paper, > 0 lets heads differ.',
  }),
  seed: engineRow('seed', {
    urlKey: 'seed', label: 'Seed', help: 'Picks the training data, the test set and the initial weights.', default: 1,
  }),
  graph_seed: engineRow('graph_seed', { urlKey: 'gseed', label: 'Graph seed', help: 'Picks the random tree or DAG.' }),
  q: engineRow('q', {
    urlKey: 'q', label: 'Parent probability q', help: 'Random DAG: the chance that a position has a parent.',
  }),
  k: engineRow('k', {
    urlKey: 'k', label: 'Parents per position k',
    help: 'n-gram graph: how many earlier tokens each token depends on (at most T - 1).',
  }),
  spec: engineRow('spec', {
    urlKey: 'spec', label: 'Custom graph',
    format: "positions separated by ';', each '-' (no parent) or its parents separated by ',', e.g. -;0;0;1,2",
    pattern: /^[-0-9;,]*$/, maxLength: 1000,
    help: "One entry per position: '-' for none, else the parents; T entries end with the query '-'.",
  }),
  model: engineRow('model', {
    urlKey: 'model', label: 'Model',
    help: "The paper's disentangled transformer, or a standard one (added embeddings, value maps, MLPs) as in its Figure 8.",
  }),
  mlp: engineRow('mlp', {
    urlKey: 'mlp', label: 'MLP sublayers',
    help: 'Disentangled transformer: add an MLP after each attention layer, its output appended to the stream.',
  }),
  mlp_width: engineRow('mlp_width', {
    urlKey: 'mlpw', label: 'MLP width', help: 'Hidden units of each MLP; 0 means as wide as its input.',
  }),
  speed: {
    key: 'speed', urlKey: 'speed', label: 'Speed (steps/s)', kind: 'number', min: 0, max: 10000, default: 0,
    live: true, help: 'The most training steps per second; 0 is the auto pace: full speed, slowed while layer 1 finds the graph.',
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

/** Copies a settings object (heads included), so no two objects share an array. */
export function copySettings(settings: Settings): Settings {
  return { ...settings, heads: [...settings.heads] };
}

function deepFreeze(settings: Settings): Readonly<Settings> {
  Object.freeze(settings.heads);
  return Object.freeze(settings);
}

export const DEFAULT_SETTINGS: Readonly<Settings> = deepFreeze(
  copySettings(Object.fromEntries(SETTINGS.map((row) => [row.key, row.default])) as unknown as Settings),
);

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

/** A raw value as a message shows it: long ones cut, so a hostile link cannot flood the page. */
export function shown(raw: string): string {
  return raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}…` : raw;
}

type Checked<K extends SettingKey> = { value: Settings[K] } | { error: string };

/** What a setting takes, as a message says it: "an integer in [1, 64]", "one of sgd|adam". */
function expectedText(row: SettingRow): string {
  switch (row.kind) {
    case 'int':
      return `an integer in ${rangeText(row)}`;
    case 'number':
      return `a number in ${rangeText(row)}`;
    case 'enum':
    case 'boolean':
      return `one of ${rangeText(row)}`;
    default:
      return rangeText(row);
  }
}

function checkValue(row: SettingRow, raw: string, name: string): Checked<SettingKey> {
  const said = `${name}=${shown(raw)}`;
  if (raw.trim() === '' && row.kind !== 'string') return { error: `${name} is empty: give ${expectedText(row)}` };
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

/** Whether two values of a setting are equal (heads element by element). */
export function sameValue(a: Settings[SettingKey], b: Settings[SettingKey]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

// =============================================================================================
// Engine and run
// =============================================================================================

/**
 * What the worker's `configure` takes: every engine setting of the table under the engine's
 * name, heads as a list, and a test set of 512 sequences (quicker to evaluate in a browser than
 * the CLI's 1024).
 */
export function toEngineConfig(settings: Settings): EngineConfig {
  const config: Record<string, unknown> = {};
  for (const row of SETTINGS) {
    if (!isEngineKey(row.key)) continue;
    const value = settings[row.key];
    config[row.key] = Array.isArray(value) ? [...value] : value;
  }
  config.test_size = 512;
  return config as EngineConfig;
}

/** Whether going from `before` to `after` needs a new run: any setting that is not live changed. */
export function needsReset(before: Settings, after: Settings): boolean {
  return SETTINGS.some((row) => !row.live && !sameValue(before[row.key], after[row.key]));
}

/**
 * The change to send to a running run (the worker's `update`) when `key` changed, if `key` is a
 * live engine setting; null otherwise (a page-only setting, or one that needs a new run).
 */
export function liveEngineChange(key: SettingKey, settings: Settings): EngineConfig | null {
  if (!isEngineKey(key) || !ROWS[key].live) return null;
  return { [key]: settings[key] } as EngineConfig;
}
