// Settings in a URL: parse a query string (with notices for what does not fit) and write the
// shortest link to a set of settings (its preset, then what differs from it). The URL keys are
// the table's (table.ts) and stay stable: links in the wild depend on them.
import { presetSettings } from './presets';
import {
  DEFAULT_PRESET,
  SETTINGS,
  copySettings,
  formatSetting,
  sameValue,
  shown,
  validateSetting,
  type PresetName,
  type SettingKey,
  type SettingRow,
  type Settings,
} from './table';

const ROW_BY_URL_KEY = new Map<string, SettingRow>(SETTINGS.map((row) => [row.urlKey, row]));

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
    ROW_BY_URL_KEY.get(name) ?? SETTINGS.find((row) => row.key === name);

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
    const checked = validateSetting(row.key, raw, name);
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
