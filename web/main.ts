// The playground's controller: wires the settings (settings/), the training worker (client.ts)
// and the views. Data flows one way: settings -> worker (configure) -> snapshot -> views.
import './styles.css';

import { TrainingClient } from './client';
import { embedSnippet, embedUrl } from './embed-snippet';
import { composePng, download, runToJson } from './export';
import { Messages } from './messages';
import { ScienceSections } from './science';
import {
  PRESETS,
  PRESET_NAMES,
  formatSetting,
  liveEngineChange,
  needsReset,
  parseSettings,
  presetSettings,
  settingRow,
  settingsToSearch,
  toEngineConfig,
  validateSetting,
  type PresetName,
  type SettingKey,
  type Settings,
} from './settings';
import { parentsToSpec } from './views/graph-view';
import { createFigureViews, LiveFigure } from './views/live-figure';
import type { Snapshot, Status } from './worker/protocol';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page is missing #${id}`);
  return element as T;
};

// Speed slider positions -> steps per second (0 = as fast as the machine allows).
const SPEEDS = [1, 3, 10, 30, 100, 300, 0];

// Settings shown in the form, in order; some only for some graphs.
const FORM_FIELDS: { key: SettingKey; when?: (s: Settings) => boolean }[] = [
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

class Playground {
  private settings: Settings;
  private readonly client: TrainingClient;
  private viewingHistory = false;
  private playing = false;

  private readonly messages = new Messages({ notices: $('notices'), error: $('error') });
  private readonly figure = new LiveFigure(
    createFigureViews(
      { attention: $('attention'), recovery: $('recovery'), queryStrip: $('query-strip'), lossChart: $('loss-chart'), graph: $('graph-view'), blocks: $('blocks') },
      { onEditGraph: (parents) => void this.editGraph(parents) },
    ),
    {
      showBlocks: () => $<HTMLDetailsElement>('blocks-card').open,
      counters: { step: $('train-step'), rate: $('steps-per-second'), testLoss: $('test-loss') },
    },
  );
  private readonly science: ScienceSections;

  constructor() {
    const { settings, notices } = parseSettings(location.search, { ignore: ['embed'] });
    this.settings = settings;
    for (const notice of notices) this.notice(notice);
    const worker = new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' });
    this.client = new TrainingClient(worker);
    this.client.on('snapshot', (snapshot) => this.receive(snapshot));
    this.figure.setView(this.settings.view);
    this.figure.setEditable(this.settings.graph === 'custom');
    this.client.on('status', (status) => this.status(status));
    this.client.on('error', (error) => this.showError(error.message));
    this.science = new ScienceSections(this.client);
    this.buildPresets();
    this.buildForm();
    this.wireControls();
    this.writeUrl();
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      await this.client.init();
      if (await this.configure()) for (const id of ['play', 'step', 'reset']) $<HTMLButtonElement>(id).disabled = false;
      this.science.enable();
    } catch (error) {
      this.showError(`The training engine could not start: ${(error as Error).message}`);
    }
  }

  // --- settings --------------------------------------------------------------------------

  /** A new run with the current settings; on a bad config the previous run stays. */
  private async configure(): Promise<boolean> {
    try {
      const status = await this.client.configure(toEngineConfig(this.settings));
      await this.client.setSpeed(this.settings.speed);
      this.newRun(status);
      this.clearError();
      return true;
    } catch (error) {
      this.showError((error as Error).message);
      return false;
    }
  }

  private newRun(status: Status): void {
    this.viewingHistory = false;
    this.figure.setStatus(status);
    this.figure.setEditable(this.settings.graph === 'custom');
    $('graph-message').hidden = true;
    this.playing = false;
    this.renderTransport();
  }

  private async changeSetting(key: SettingKey, value: Settings[SettingKey]): Promise<void> {
    const before = this.settings;
    this.settings = { ...this.settings, [key]: value };
    this.writeUrl();
    const liveChange = liveEngineChange(key, this.settings);
    if (liveChange) {
      try {
        await this.client.update(liveChange);
      } catch (error) {
        this.showError((error as Error).message);
      }
      return;
    }
    if (key === 'view') return this.figure.setView(this.settings.view);
    if (key === 'speed') return void this.client.setSpeed(this.settings.speed);
    if (!needsReset(before, this.settings)) return;
    const wasPlaying = this.playing;
    if (await this.configure()) {
      this.cue(`${settingRow(key).label} changed: training restarted from step 0.`);
      if (wasPlaying) await this.client.play();
    } else {
      this.settings = before;
      this.writeUrl();
      this.syncForm();
    }
    if (key === 'graph') this.syncForm();
  }

  private async choosePreset(name: PresetName): Promise<void> {
    const wasPlaying = this.playing;
    this.settings = { ...presetSettings(name), speed: this.settings.speed, view: this.settings.view };
    this.writeUrl();
    this.syncForm();
    this.renderPresets();
    if ((await this.configure()) && wasPlaying) await this.client.play();
  }

  private writeUrl(): void {
    const search = settingsToSearch(this.settings);
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }

  // --- the form --------------------------------------------------------------------------

  private buildPresets(): void {
    const list = $('presets');
    for (const name of PRESET_NAMES) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'preset';
      button.dataset.testid = `preset-${name}`;
      button.dataset.preset = name;
      button.textContent = PRESETS[name].title;
      button.addEventListener('click', () => void this.choosePreset(name));
      list.append(button);
    }
    this.renderPresets();
  }

  private renderPresets(): void {
    for (const button of $('presets').querySelectorAll<HTMLButtonElement>('button')) {
      const selected = button.dataset.preset === this.settings.preset;
      button.classList.toggle('selected', selected);
      button.setAttribute('aria-pressed', String(selected));
    }
    $('preset-description').textContent = PRESETS[this.settings.preset].description;
  }

  private buildForm(): void {
    const form = $<HTMLFormElement>('settings');
    form.addEventListener('submit', (event) => event.preventDefault());
    for (const { key } of FORM_FIELDS) {
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
      input.addEventListener('change', () => void this.formChanged(key, input, message));
      field.append(label, input, message);
      form.append(field);
    }
    this.syncForm();
  }

  private async formChanged(key: SettingKey, input: HTMLInputElement | HTMLSelectElement, message: HTMLElement): Promise<void> {
    const checked = validateSetting(key, input.value.trim(), settingRow(key).label);
    if ('error' in checked) {
      message.textContent = checked.error;
      message.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    message.hidden = true;
    input.removeAttribute('aria-invalid');
    await this.changeSetting(key, checked.value as Settings[SettingKey]);
  }

  private syncForm(): void {
    for (const { key, when } of FORM_FIELDS) {
      const field = document.querySelector<HTMLElement>(`.field[data-key="${key}"]`);
      if (!field) continue;
      field.hidden = when ? !when(this.settings) : false;
      const input = field.querySelector<HTMLInputElement | HTMLSelectElement>('input, select');
      if (input && document.activeElement !== input) input.value = formatSetting(key, this.settings[key]);
    }
    const radios = document.querySelectorAll<HTMLInputElement>('input[name="view"]');
    for (const radio of radios) radio.checked = radio.value === this.settings.view;
    ($('speed') as HTMLInputElement).value = String(Math.max(0, SPEEDS.indexOf(this.settings.speed)));
    $('speed-value').textContent = this.settings.speed === 0 ? 'max' : `${this.settings.speed}/s`;
  }

  // --- transport controls ----------------------------------------------------------------

  private wireControls(): void {
    $('play').addEventListener('click', () => void this.play());
    $('pause').addEventListener('click', () => void this.pause());
    $('step').addEventListener('click', () => void this.request(() => this.client.step(1)));
    $('reset').addEventListener('click', () => void this.reset());
    $('resample').addEventListener('click', () => void this.request(() => this.client.resample()));
    const speed = $<HTMLInputElement>('speed');
    speed.addEventListener('input', () => {
      const stepsPerSecond = SPEEDS[Number(speed.value)] ?? 0;
      $('speed-value').textContent = stepsPerSecond === 0 ? 'max' : `${stepsPerSecond}/s`;
      void this.changeSetting('speed', stepsPerSecond);
    });
    for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="view"]'))
      radio.addEventListener('change', () => radio.checked && void this.changeSetting('view', radio.value as Settings['view']));
    const historyInput = $<HTMLInputElement>('history');
    historyInput.addEventListener('input', () => this.scrub(Number(historyInput.value)));
    $('export-png').addEventListener('click', () => void this.exportPng());
    $('export-json').addEventListener('click', () => this.exportJson());
    $('embed-button').addEventListener('click', () => this.showEmbedDialog());
    $('embed-close').addEventListener('click', () => $<HTMLDialogElement>('embed-dialog').close());
    $('embed-copy').addEventListener('click', () => {
      const text = $<HTMLTextAreaElement>('embed-snippet');
      text.select();
      void navigator.clipboard?.writeText(text.value).then(() => this.cue('Embed snippet copied.'));
    });
    $('blocks-card').addEventListener('toggle', () => this.figure.redraw());
    document.addEventListener('keydown', (event) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, select, textarea, [contenteditable], canvas, svg')) return;
      if (event.key === ' ' || event.key === 'k') {
        event.preventDefault();
        void (this.playing ? this.pause() : this.play());
      }
    });
  }

  private async request(action: () => Promise<Status>): Promise<void> {
    await this.messages.attempt(action);
  }

  private async play(): Promise<void> {
    this.viewingHistory = false;
    this.figure.follow();
    await this.request(() => this.client.play());
  }

  private async pause(): Promise<void> {
    await this.request(() => this.client.pause());
  }

  private async reset(): Promise<void> {
    const wasPlaying = this.playing;
    // A reset is a fresh run of the same settings: reconfigure so the history and chart restart too.
    if ((await this.configure()) && wasPlaying) await this.client.play();
  }

  private status(status: Status): void {
    this.playing = status.state === 'playing';
    this.figure.setStatus(status);
    if (status.state === 'diverged') this.showError(`Training stopped: ${status.message} Press Reset to start again.`, true);
    this.renderTransport();
  }

  private renderTransport(): void {
    $('play').hidden = this.playing;
    $('pause').hidden = !this.playing;
    if (!this.playing) $('steps-per-second').textContent = '0';
  }

  // --- snapshots -------------------------------------------------------------------------

  private receive(snapshot: Snapshot): void {
    this.figure.receive(snapshot);
    if (snapshot.metrics.diverged) this.showError(`Training stopped: ${snapshot.metrics.status} Press Reset to start again.`, true);
    this.renderHistoryControl();
  }

  // --- custom graph editing ---------------------------------------------------------------

  private async editGraph(parents: number[][]): Promise<void> {
    this.figure.showEditedGraph(parents);
    const spec = parentsToSpec(parents);
    const message = $('graph-message');
    const before = this.settings;
    this.settings = { ...this.settings, spec };
    try {
      const wasPlaying = this.playing;
      const status = await this.client.configure(toEngineConfig(this.settings));
      this.newRun(status);
      message.hidden = true;
      this.writeUrl();
      this.syncForm();
      if (wasPlaying) await this.client.play();
    } catch (error) {
      this.settings = before;
      message.textContent = `Not a valid graph yet: ${(error as Error).message}`;
      message.hidden = false;
    }
  }

  // --- history ---------------------------------------------------------------------------

  private renderHistoryControl(): void {
    const input = $<HTMLInputElement>('history');
    input.max = String(Math.max(0, this.figure.history.length - 1));
    if (!this.viewingHistory) {
      input.value = input.max;
      $('history-label').textContent = 'live';
    }
  }

  private scrub(index: number): void {
    if (!this.figure.history.at(index)) return;
    if (this.playing) void this.pause();
    const shown = this.figure.showHistory(index);
    if (!shown) return;
    this.viewingHistory = !shown.live;
    $('history-label').textContent = shown.live ? 'live' : `step ${shown.snapshot.step.toLocaleString('en-US')}`;
  }

  // --- export and embed ------------------------------------------------------------------

  private async exportPng(): Promise<void> {
    const panels = this.figure.exportPanels();
    try {
      const step = this.figure.current?.step ?? 0;
      const blob = await composePng(panels, `${PRESETS[this.settings.preset].title} · step ${step}`);
      download(blob, `causal-playground-${this.settings.preset}-step${step}.png`);
    } catch (error) {
      this.showError(`PNG export failed: ${(error as Error).message}`);
    }
  }

  private exportJson(): void {
    const json = runToJson({
      url: location.href,
      settings: this.settings,
      config: this.figure.config,
      graph: this.figure.graph,
      test_loss: this.figure.history.all().map((s) => ({ step: s.metrics.step, loss: s.metrics.test_loss })),
      train_loss: [],
      snapshots: this.figure.history.all(),
    });
    download(new Blob([json], { type: 'application/json' }), `causal-playground-${this.settings.preset}.json`);
  }

  private showEmbedDialog(): void {
    $<HTMLTextAreaElement>('embed-snippet').value = embedSnippet(embedUrl(location.href, settingsToSearch(this.settings)));
    $<HTMLDialogElement>('embed-dialog').showModal();
  }

  // --- messages --------------------------------------------------------------------------

  private notice(text: string): void {
    this.messages.notice(text);
  }

  private cue(text: string): void {
    this.messages.cue(text);
  }

  private showError(text: string, diverged = false): void {
    this.messages.showError(text, diverged);
  }

  private clearError(): void {
    this.messages.clearError();
  }
}

// `?embed=1` on the main page is the embed page, with the same settings.
const search = new URLSearchParams(location.search);
if (search.get('embed') === '1') {
  search.delete('embed');
  const rest = search.toString();
  location.replace(`embed.html${rest ? `?${rest}` : ''}`);
} else {
  new Playground();
}
