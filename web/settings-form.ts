// The playground's settings controls: the preset pills (with their "modified" state) and the
// form of the Advanced drawer, one field per setting built from the settings table, each with
// its "?" popover and the message that names a bad value. They show the settings they are given
// and report what the user changed; the controller (main.ts) decides what a change does.
import {
  PRESETS,
  PRESET_NAMES,
  formatSetting,
  presetSettings,
  sameValue,
  settingRow,
  SETTINGS,
  validateSetting,
  type PresetName,
  type SettingKey,
  type Settings,
} from './settings';
import { presetThumbnail, SHORT_TITLES } from './views/preset-thumbnail';

// Settings shown in the form, in order; some only for some graphs.
export const FORM_FIELDS: { key: SettingKey; when?: (s: Settings) => boolean }[] = [
  { key: 'graph' },
  { key: 'S' },
  { key: 'T' },
  { key: 'alpha' },
  { key: 'q', when: (s) => s.graph === 'dag' },
  { key: 'k', when: (s) => s.graph === 'ngram' },
  { key: 'graph_seed', when: (s) => s.graph === 'tree' || s.graph === 'dag' },
  { key: 'spec', when: (s) => s.graph === 'custom' },
  { key: 'heads' },
  { key: 'model' },
  { key: 'mlp', when: (s) => s.model === 'catformer' },
  { key: 'mlp_width', when: (s) => s.model === 'standard' || s.mlp === 'on' },
  { key: 'optimizer' },
  { key: 'lr' },
  { key: 'schedule' },
  { key: 'steps', when: (s) => s.schedule === 'cosine' },
  { key: 'wd' },
  { key: 'batch' },
  { key: 'init_std' },
  { key: 'seed' },
];

/** The labels of the settings that depart from the chosen preset (speed and view aside). */
export function modifiedFromPreset(settings: Settings): string[] {
  const base = presetSettings(settings.preset);
  return SETTINGS.filter((row) => row.key !== 'speed' && row.key !== 'view' && row.key !== 'preset')
    .filter((row) => !sameValue(settings[row.key], base[row.key]))
    .map((row) => row.label);
}

/** The preset pills, each with a tiny sketch of its graph; the chosen one says "modified" when it is. */
export class PresetPills {
  constructor(
    private readonly list: HTMLElement,
    private readonly description: HTMLElement,
    onChoose: (name: PresetName) => void,
  ) {
    for (const name of PRESET_NAMES) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'preset';
      button.dataset.testid = `preset-${name}`;
      button.dataset.preset = name;
      button.title = PRESETS[name].title;
      const label = document.createElement('span');
      label.className = 'preset-label';
      label.textContent = SHORT_TITLES[name];
      const state = document.createElement('span');
      state.className = 'preset-state';
      button.append(presetThumbnail(name), label, state);
      button.addEventListener('click', () => onChoose(name));
      list.append(button);
    }
  }

  render(settings: Settings): void {
    const modified = modifiedFromPreset(settings);
    for (const button of this.list.querySelectorAll<HTMLButtonElement>('button')) {
      const selected = button.dataset.preset === settings.preset;
      button.classList.toggle('selected', selected);
      button.classList.toggle('modified', selected && modified.length > 0);
      button.setAttribute('aria-pressed', String(selected));
      const state = button.querySelector<HTMLElement>('.preset-state');
      if (state) state.textContent = selected && modified.length > 0 ? 'modified' : '';
    }
    const description = PRESETS[settings.preset].description;
    this.description.textContent = modified.length > 0 ? `${description} Modified: ${modified.join(', ')} differ from the preset.` : description;
  }
}

/**
 * The Advanced drawer's form: one field per FORM_FIELDS row. A value that does not pass the
 * settings table's check is shown under its field and never reported; a good one is reported
 * through onChange.
 */
export class SettingsForm {
  /** The settings the run trains with (the last sync): what a refused value leaves in place. */
  private current: Settings | null = null;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly onChange: (key: SettingKey, value: Settings[SettingKey]) => void,
  ) {
    form.addEventListener('submit', (event) => event.preventDefault());
    for (const { key } of FORM_FIELDS) form.append(this.field(key));
  }

  /** Shows the settings: each field's value (unless the user is typing in it) and which fields apply. */
  sync(settings: Settings): void {
    this.current = settings;
    for (const { key, when } of FORM_FIELDS) {
      const field = this.form.querySelector<HTMLElement>(`.field[data-key="${key}"]`);
      if (!field) continue;
      field.hidden = when ? !when(settings) : false;
      const input = field.querySelector<HTMLInputElement | HTMLSelectElement>('input, select');
      if (input && document.activeElement !== input) input.value = formatSetting(key, settings[key]);
    }
  }

  private field(key: SettingKey): HTMLElement {
    const row = settingRow(key);
    const field = document.createElement('div');
    field.className = 'field';
    field.dataset.key = key;
    const id = `setting-${key}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = row.label;
    label.title = row.help;
    let input: HTMLInputElement | HTMLSelectElement;
    if (row.kind === 'enum') {
      input = document.createElement('select');
      for (const option of row.options) input.append(new Option(String(option), String(option)));
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.inputMode = row.kind === 'int' ? 'numeric' : row.kind === 'number' ? 'decimal' : 'text';
      input.spellcheck = false;
      input.autocomplete = 'off';
    }
    input.id = id;
    input.name = key;
    input.dataset.testid = `setting-${key}`;
    const message = document.createElement('p');
    message.className = 'field-error';
    message.id = `${id}-error`;
    message.hidden = true;
    input.setAttribute('aria-describedby', message.id);
    input.addEventListener('change', () => this.changed(key, input, message));
    // The help is a "?" popover (a tooltip does not open on touch screens).
    const help = document.createElement('div');
    help.id = `${id}-help`;
    help.className = 'help-popover';
    help.setAttribute('popover', '');
    help.textContent = row.help;
    const helpButton = document.createElement('button');
    helpButton.type = 'button';
    helpButton.className = 'help-button';
    helpButton.textContent = '?';
    helpButton.setAttribute('aria-label', `About ${row.label}`);
    helpButton.setAttribute('popovertarget', help.id);
    const head = document.createElement('div');
    head.className = 'field-head';
    head.append(label, helpButton);
    field.append(head, input, message, help);
    return field;
  }

  private changed(key: SettingKey, input: HTMLInputElement | HTMLSelectElement, message: HTMLElement): void {
    const checked = validateSetting(key, input.value.trim(), settingRow(key).label);
    if ('error' in checked) {
      // Say what the run trains with meanwhile, so Play never quietly uses another value.
      const kept = this.current ? `; the run keeps ${formatSetting(key, this.current[key])}` : '';
      message.textContent = `${checked.error}${kept}`;
      message.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    message.hidden = true;
    input.removeAttribute('aria-invalid');
    this.onChange(key, checked.value as Settings[SettingKey]);
  }
}
