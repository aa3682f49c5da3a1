// The playground's controller: wires the settings (settings/), the training worker (client.ts)
// and the views. Data flows one way: settings -> worker (configure) -> snapshot -> views.
import './styles.css';

import { TrainingClient } from './client';
import { embedSnippet, embedUrl } from './embed-snippet';
import { resizedParents, showHeadsHint } from './custom-graph';
import { Messages } from './messages';
import { LazyParts } from './lazy-parts';
import { collapseNotices, describeStartFailure, refusedFields, RunGuard } from './run-guard';
import { registerServiceWorker } from './offline';
import { Tour } from './tour';
import { exportFigurePng, exportRunJson, readRunFile } from './run-files';
import { FORM_FIELDS, PresetPills, SettingsForm } from './settings-form';
import {
  PRESETS,
  DEFAULT_PRESET,
  liveEngineChange,
  needsReset,
  parseSettings,
  presetSettings,
  settingRow,
  settingsToSearch,
  toEngineConfig,
  type PresetName,
  type SettingKey,
  type Settings,
} from './settings';
import { editedSpec, parentsToSpec, specToParents } from './views/graph-view';
import { AutoPace } from './views/pace';
import { showStageNote } from './views/stage-note';
import { headlineRecovery, RECOVERY_TARGET } from './views/vocabulary';
import { createFigureViews, LiveFigure } from './views/live-figure';
import type { Snapshot, Status } from './worker/protocol';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page is missing #${id}`);
  return element as T;
};

// Speed slider positions -> steps per second. 0 is the auto pace (views/pace.ts): full speed,
// slowed while layer 1 finds the graph; 10000 is more than the engine manages, i.e. "max".
const SPEEDS = [1, 3, 10, 30, 100, 300, 10000, 0];
const MAX_SPEED = 10000;
const speedText = (stepsPerSecond: number) => (stepsPerSecond === 0 ? 'auto' : stepsPerSecond >= MAX_SPEED ? 'max' : `${stepsPerSecond}/s`);
/** History entries per second of "Replay how it formed". */
const REPLAY_PER_SECOND = 12;


class Playground {
  private settings: Settings;
  private readonly client: TrainingClient;
  private readonly guard: RunGuard<Settings>;
  private viewingHistory = false;
  private playing = false;
  /** Parent recovery has been below the target since the tour last heard of it passing. */
  private belowTarget = false;
  private readonly pace = new AutoPace();
  private replayTimer = 0;
  /** A run loaded from a file is on screen; the engine's snapshots wait until Play, Step or Reset. */
  private loadedRun = false;

  private readonly messages = new Messages({ notices: $('notices'), error: $('error') });
  private readonly figure = new LiveFigure(
    createFigureViews(
      { attention: $('attention'), recovery: $('recovery'), queryStrip: $('query-strip'), lossChart: $('loss-chart'), graph: $('graph-view'), blocks: $('blocks') },
      { onEditGraph: (parents) => void this.editGraph(parents), lossChartHeight: 150 },
    ),
    {
      showBlocks: () => $<HTMLDetailsElement>('blocks-card').open,
      counters: { step: $('train-step'), rate: $('steps-per-second'), testLoss: $('test-loss') },
    },
  );
  /** Parts 2 to 4 (the paper's sections, the lab), loaded when the visitor nears them: not part of the first visit. */
  private readonly parts: LazyParts;
  private readonly presets: PresetPills;
  private readonly form: SettingsForm;
  /** The link's comparison (vary=seed:1,2), started once the engine is ready. */
  private readonly linkedComparison = new URLSearchParams(location.search).get('vary');

  constructor() {
    const { settings, notices } = parseSettings(location.search, { ignore: ['embed', 'vary'] });
    this.settings = settings;
    for (const notice of collapseNotices(notices)) this.messages.notice(notice);
    const createWorker = () => new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' });
    this.client = new TrainingClient(createWorker());
    this.guard = new RunGuard<Settings>({
      client: this.client,
      createWorker,
      toConfig: toEngineConfig,
      // The auto pace (speed 0) starts each run slowly (views/pace.ts), then follows the climb.
      speed: () => (this.settings.speed === 0 ? this.pace.current : this.settings.speed),
      onCrash: (text) => this.messages.showError(text),
      onRestarted: (good) => void this.offerResume(good),
      onStartFailed: (text) => this.messages.showError(text, false, { label: 'Retry', run: () => void this.start(true) }),
    });
    this.client.on('snapshot', (snapshot) => this.receive(snapshot));
    this.figure.setView(this.settings.view);
    this.figure.setEditable(this.settings.graph === 'custom');
    this.client.on('status', (status) => this.status(status));
    this.client.on('error', (error) => this.messages.showError(error.message));
    this.parts = new LazyParts({
      client: this.client,
      figure: this.figure,
      settings: () => this.settings,
      labElement: $('lab'),
      scienceElement: () => document.querySelector('.science-layout'),
      onLabChange: () => this.writeUrl(),
      showError: (text) => this.messages.showError(text),
    });
    this.parts.loadLabWhenNear();
    this.presets = new PresetPills($('presets'), $('preset-description'), (name) => void this.choosePreset(name));
    this.form = new SettingsForm($<HTMLFormElement>('settings'), (key, value) => void this.changeSetting(key, value));
    this.syncForm();
    this.wireControls();
    this.writeUrl();
    this.tour.start();
    void this.start();
  }

  // The guided first visit: the hidden graph, Play, the outlined cells.
  private readonly tour = new Tour(
    [
      { until: 'play', anchor: () => document.querySelector('#graph-view svg'), at: [0.55, 0.75], text: 'The hidden graph: each arc joins a token to the parent it was drawn from. The model never sees it.' },
      { until: 'play', anchor: () => $('play'), at: [0, 1.2], text: 'Press Play (or Space) to train in your browser.' },
      { until: 'found', anchor: () => document.querySelector('#attention canvas'), at: [0.5, 0.22], text: 'Watch the outlined cells light up: that is layer 1 finding the graph, column j under token j.' },
    ],
    $<HTMLButtonElement>('tour-button'),
  );

  /** Loads the engine and starts the run; a refused link falls back to the default settings. */
  private async start(retry = false): Promise<void> {
    const fallback = { ...presetSettings(DEFAULT_PRESET), speed: this.settings.speed, view: this.settings.view };
    try {
      this.messages.clearError();
      const wanted = () => this.settings;
      const started = retry ? await this.guard.retryStart(wanted, fallback) : await this.guard.start(wanted, fallback);
      $('engine-loading').hidden = true;
      $('figure').removeAttribute('aria-busy');
      $<HTMLButtonElement>('resample').disabled = false;
      this.pace.reset();
      this.newRun(this.client.lastStatus);
      if (started.refused) {
        this.settings = started.settings;
        this.writeUrl();
        this.syncForm();
        this.presets.render(this.settings);
        this.refused(`The link's settings were refused: ${started.refused}. Training the ${PRESETS[fallback.preset].title} preset instead.`);
      }
      for (const id of ['play', 'step', 'reset']) $<HTMLButtonElement>(id).disabled = false;
      this.parts.loadScienceWhenNear();
      if (this.linkedComparison) {
        const refused = await (await this.parts.loadLab()).restoreComparison(this.linkedComparison);
        if (refused) this.messages.notice(refused);
      }
    } catch (error) {
      $('engine-loading').textContent = 'The engine did not start.';
      this.messages.showError(describeStartFailure(error), false, { label: 'Retry', run: () => void this.start(true) });
    }
  }

  /**
   * After a crash the new worker is ready: it gets the last good settings again (the engine
   * cannot load saved weights, so from step 0), and the banner offers to resume playing.
   */
  private async offerResume(good: Settings | null): Promise<void> {
    const step = this.figure.current?.step ?? 0;
    if (good) this.settings = good;
    this.writeUrl();
    this.syncForm();
    this.presets.render(this.settings);
    if (!(await this.configure())) return;
    this.messages.showError(
      `The training engine stopped and a new one was started with the same settings. It cannot load saved weights, so it starts again from step 0 (the last snapshot was at step ${step.toLocaleString('en-US')}).`,
      false,
      { label: 'Resume', run: () => void this.play().then(() => this.messages.clearError()) },
    );
  }

  /** A refusal: in the banner, and next to the fields it names. */
  private refused(text: string): void {
    this.messages.showError(text);
    for (const key of refusedFields(text, FORM_FIELDS.map((f) => f.key))) {
      const message = document.getElementById(key === 'spec' ? 'graph-message' : `setting-${key}-error`);
      if (!message) continue;
      if (key !== 'spec') $<HTMLDetailsElement>('advanced').open = true;  // show it by its field, in the drawer
      message.textContent = text;
      message.dataset.source = 'engine';
      message.hidden = false;
    }
  }

  private clearRefusals(): void {
    for (const message of document.querySelectorAll<HTMLElement>('[data-source="engine"]')) {
      message.hidden = true;
      delete message.dataset.source;
    }
  }

  // --- settings --------------------------------------------------------------------------

  /** A new run with the current settings; on a bad config the previous run stays. */
  private async configure(): Promise<boolean> {
    this.loadedRun = false;
    this.pace.reset();
    const outcome = await this.guard.configure(this.settings);
    if (outcome.ok === 'superseded') return true;
    if (outcome.ok === false) {
      this.refused(outcome.error);
      return false;
    }
    this.newRun(outcome.status);
    this.messages.clearError();
    for (const id of ['play', 'step', 'reset']) $<HTMLButtonElement>(id).disabled = false;
    return true;
  }

  /** A run started; Play and Pause follow the worker's status messages, not this. */
  private newRun(status: Status | null): void {
    this.viewingHistory = false;
    this.renderHistoryControl();  // back to "live" (a reset after a scrub)
    if (status) this.figure.setStatus(status);
    this.figure.setEditable(this.settings.graph === 'custom');
    $('graph-message').hidden = true;
    this.clearRefusals();
    this.parts.science?.stageChanged();
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
        this.messages.showError((error as Error).message);
      }
      return;
    }
    if (key === 'view') return this.figure.setView(this.settings.view);
    if (key === 'speed') {
      this.pace.reset();
      return void this.client.setSpeed(this.settings.speed === 0 ? this.pace.current : this.settings.speed);
    }
    if (!needsReset(before, this.settings)) return;
    if (await this.configure()) {
      this.messages.cue(`${settingRow(key).label} changed: training restarted from step 0.`);
    } else {
      this.settings = before;
      this.writeUrl();
      this.syncForm();
    }
    if (key === 'graph') {
      $('graph-hint').hidden = true;
      this.syncForm();
    }
  }

  private async choosePreset(name: PresetName): Promise<void> {
    $('graph-hint').hidden = true;
    // The reader's view stays, unless the preset needs its own (the standard transformer has no
    // position block, so only the data view).
    const view = PRESETS[name].settings.view ?? this.settings.view;
    this.settings = { ...presetSettings(name), speed: this.settings.speed, view };
    this.figure.setView(view);
    this.writeUrl();
    this.syncForm();
    this.presets.render(this.settings);
    await this.configure();
  }

  private writeUrl(): void {
    const vary = this.parts.lab?.urlValue();
    const search = [settingsToSearch(this.settings), vary ? `vary=${encodeURIComponent(vary).replace(/%3A/g, ':').replace(/%2C/g, ',')}` : '']
      .filter(Boolean)
      .join('&');
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
    this.presets.render(this.settings);
    showStageNote($('stage-note'), this.settings);
  }

  // --- the form --------------------------------------------------------------------------

  /** "+ position / − position" on the custom graph: T and the spec change together (custom-graph.ts). */
  private async resizeCustomGraph(delta: 1 | -1): Promise<void> {
    const before = this.settings;
    const parents = specToParents(before.spec);
    const T = before.T + delta;
    if (!parents || T < 3 || T > 64) return;
    const next = resizedParents(parents, delta);
    this.settings = { ...before, T, spec: parentsToSpec(next) };
    this.writeUrl();
    this.syncForm();
    const wasPlaying = this.playing;
    if (await this.configure()) {
      if (wasPlaying) await this.client.play();
    } else {
      this.settings = before;
      this.writeUrl();
      this.syncForm();
    }
  }

  private syncForm(): void {
    $('custom-size').hidden = this.settings.graph !== 'custom';
    this.form.sync(this.settings);
    const radios = document.querySelectorAll<HTMLInputElement>('input[name="view"]');
    for (const radio of radios) radio.checked = radio.value === this.settings.view;
    const speedIndex = SPEEDS.indexOf(this.settings.speed);
    ($('speed') as HTMLInputElement).value = String(speedIndex >= 0 ? speedIndex : SPEEDS.length - 1);
    $('speed-value').textContent = speedText(this.settings.speed);
    this.presets.render(this.settings);
  }

  // --- transport controls ----------------------------------------------------------------

  private wireControls(): void {
    // One button: Play while paused, Pause while playing; it keeps the focus when it flips.
    $('play').addEventListener('click', () => void (this.playing ? this.pause() : this.play()));
    $('replay').addEventListener('click', () => this.replay());
    $('step').addEventListener('click', () => void this.stepOnce());
    $('load-run').addEventListener('change', () => void this.loadRunFile());
    $('add-position').addEventListener('click', () => void this.resizeCustomGraph(1));
    $('remove-position').addEventListener('click', () => void this.resizeCustomGraph(-1));
    $('reset').addEventListener('click', () => void this.reset());
    $('resample').addEventListener('click', () => void this.request(() => this.client.resample()));
    const speed = $<HTMLInputElement>('speed');
    speed.addEventListener('input', () => {
      const stepsPerSecond = SPEEDS[Number(speed.value)] ?? 0;
      $('speed-value').textContent = speedText(stepsPerSecond);
      void this.changeSetting('speed', stepsPerSecond);
    });
    for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="view"]'))
      radio.addEventListener('change', () => radio.checked && void this.changeSetting('view', radio.value as Settings['view']));
    const historyInput = $<HTMLInputElement>('history');
    historyInput.addEventListener('input', () => this.scrub(Number(historyInput.value)));
    $('export-png').addEventListener('click', () => void this.exportPng());
    $('export-json').addEventListener('click', () => void this.exportJson());
    $('embed-button').addEventListener('click', () => this.showEmbedDialog());
    $('embed-close').addEventListener('click', () => $<HTMLDialogElement>('embed-dialog').close());
    $('embed-copy').addEventListener('click', () => {
      const text = $<HTMLTextAreaElement>('embed-snippet');
      text.select();
      void navigator.clipboard?.writeText(text.value).then(() => this.messages.cue('Embed snippet copied.'));
    });
    $('blocks-card').addEventListener('toggle', () => this.figure.redraw());
    document.addEventListener('keydown', (event) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, select, textarea, [contenteditable], canvas, svg')) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (target.closest('button, a, summary, dialog') && (event.key === ' ' || event.key === 'Enter')) return;
      const ready = !$<HTMLButtonElement>('play').disabled;
      if ((event.key === ' ' || event.key === 'k') && ready) {
        event.preventDefault();
        void (this.playing ? this.pause() : this.play());
      } else if ((event.key === 's' || event.key === 'S') && ready) {
        event.preventDefault();
        void this.stepOnce();
      } else if ((event.key === 'r' || event.key === 'R') && ready) {
        event.preventDefault();
        void this.reset();
      }
    });
  }

  private async request(action: () => Promise<Status>): Promise<void> {
    await this.messages.attempt(action);
  }

  private async stepOnce(): Promise<void> {
    if (this.loadedRun && !(await this.configure())) return;
    await this.request(() => this.client.step(1));
  }

  private async play(): Promise<void> {
    this.stopReplay();
    if (this.loadedRun && !(await this.configure())) return;
    this.viewingHistory = false;
    this.figure.follow();
    this.tour.done('play');
    await this.request(() => this.client.play());
  }

  private async pause(): Promise<void> {
    await this.request(() => this.client.pause());
  }

  private async reset(): Promise<void> {
    // A reset is a fresh run of the same settings: reconfigure so the history and chart restart
    // too. A burst of resets runs the first and the last; playing goes on if it was.
    await this.configure();
  }

  private status(status: Status): void {
    this.playing = status.state === 'playing';
    this.figure.setStatus(status);
    if (status.state === 'diverged') this.diverged(status.message);
    this.renderTransport();
  }

  /** A diverged run: in the banner and next to the learning rate, the usual cause. */
  private diverged(message: string): void {
    const text = `Training stopped: ${message} Press Reset to start again.`;
    this.messages.showError(text, true);
    const near = document.getElementById('setting-lr-error');
    if (near) {
      $<HTMLDetailsElement>('advanced').open = true;  // the message sits by its field, in the drawer
      near.textContent = `Training diverged at this learning rate: ${message}`;
      near.dataset.source = 'engine';
      near.hidden = false;
    }
  }

  private renderTransport(): void {
    const button = $('play');
    const label = this.playing ? 'Pause' : 'Play';
    button.dataset.testid = this.playing ? 'pause' : 'play';
    button.setAttribute('aria-label', label);
    button.querySelector('.play-icon')!.textContent = this.playing ? '❚❚' : '▶';
    button.querySelector('.play-text')!.textContent = label;
    $('replay').hidden = this.playing || this.figure.history.length < 3;
    if (!this.playing) $('steps-per-second').textContent = '0';
    this.renderSpeed();
  }

  private renderSpeed(): void {
    const auto = this.settings.speed === 0;
    $('speed-value').textContent = auto && this.playing && this.pace.current > 0 ? `auto: ${this.pace.current}/s` : speedText(this.settings.speed);
  }

  // --- replay ----------------------------------------------------------------------------

  /** "Replay how it formed": the history from the start, at a fixed pace, then live again. */
  private replay(): void {
    this.stopReplay();
    const last = this.figure.history.length - 1;
    if (last < 1) return;
    let index = 0;
    const input = $<HTMLInputElement>('history');
    const stride = Math.max(1, Math.ceil(last / (8 * REPLAY_PER_SECOND))); // at most about 8 s
    this.replayTimer = window.setInterval(() => {
      index = Math.min(last, index + stride);
      input.value = String(index);
      this.scrub(index);
      if (index >= last) this.stopReplay();
    }, 1000 / REPLAY_PER_SECOND);
    input.value = '0';
    this.scrub(0);
  }

  private stopReplay(): void {
    if (this.replayTimer) window.clearInterval(this.replayTimer);
    this.replayTimer = 0;
  }

  // --- snapshots -------------------------------------------------------------------------

  private receive(snapshot: Snapshot): void {
    if (this.loadedRun) return;
    this.figure.receive(snapshot);
    // The tour's "watch the outlined cells" has served once recovery climbs past the target.
    const recovery = headlineRecovery(snapshot.metrics.parent_recovery);
    if (recovery < RECOVERY_TARGET) this.belowTarget = true;
    else if (this.belowTarget) {
      this.belowTarget = false;
      this.tour.done('found');
    }
    if (this.settings.speed === 0 && snapshot.parameters && snapshot.state === 'playing') {
      const limit = this.pace.observe(snapshot.step, recovery);
      if (limit !== null) {
        void this.client.setSpeed(limit);
        this.renderSpeed();
      }
    }
    if (snapshot.metrics.diverged) this.diverged(snapshot.metrics.status);
    this.renderHistoryControl();
  }

  // --- custom graph editing ---------------------------------------------------------------

  private async editGraph(parents: number[][]): Promise<void> {
    this.figure.showEditedGraph(parents);
    const spec = editedSpec(parents, this.settings.T);
    const message = $('graph-message');
    const before = this.settings;
    this.settings = { ...this.settings, spec };
    const outcome = await this.guard.configure(this.settings);
    if (outcome.ok === true) {
      this.newRun(outcome.status);
      message.hidden = true;
      this.writeUrl();
      this.syncForm();
      this.suggestHeads(parents);
    } else if (outcome.ok === false) {
      this.settings = before;
      message.textContent = `Not a valid graph yet: ${outcome.error}`;
      message.hidden = false;
    }
  }

  /** Offers one first-layer head per parent when the edited graph has positions with several (custom-graph.ts). */
  private suggestHeads(parents: number[][]): void {
    showHeadsHint($('graph-hint'), parents, this.settings.heads, (heads) => void this.changeSetting('heads', heads));
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
    try {
      await exportFigurePng(this.figure, this.settings);
    } catch (error) {
      this.messages.showError(`PNG export failed: ${(error as Error).message}`);
    }
  }

  private async exportJson(): Promise<void> {
    try {
      await exportRunJson(this.figure, this.settings, this.parts.lab);
    } catch (error) {
      this.messages.showError(`JSON export failed: ${(error as Error).message}`);
    }
  }

  /** "Load run": a JSON file from the JSON button, shown paused at its last step with its history. */
  private async loadRunFile(): Promise<void> {
    const input = $<HTMLInputElement>('load-run');
    const file = input.files?.[0];
    if (!file) return;
    try {
      const run = await readRunFile(file);
      if (this.playing) await this.pause();
      this.stopReplay();
      for (const notice of run.notices) this.messages.notice(`Loaded run: ${notice}`);
      this.settings = run.settings;
      this.writeUrl();
      this.syncForm();
      this.loadedRun = true;
      this.viewingHistory = false;
      this.figure.setEditable(false);
      this.figure.loadRun(run.config, run.graph, run.snapshots);
      this.renderHistoryControl();
      this.renderTransport();
      this.messages.clearError();
      const last = run.snapshots[run.snapshots.length - 1].step;
      // A run exported during a comparison brings its compared runs back (from step 0: weights are not saved).
      const refused = run.vary ? await (await this.parts.loadLab()).restoreComparison(run.vary) : null;
      if (refused) this.messages.notice(`Loaded run: ${refused}`);
      this.messages.cue(
        `Loaded a run at step ${last.toLocaleString('en-US')}: Play trains its settings again from step 0` +
          (run.vary && !refused ? ', with its compared runs.' : '.'),
      );
    } catch (error) {
      this.messages.showError(`Load run: ${(error as Error).message}`);
    } finally {
      input.value = '';
    }
  }

  private showEmbedDialog(): void {
    $<HTMLTextAreaElement>('embed-snippet').value = embedSnippet(embedUrl(location.href, settingsToSearch(this.settings)));
    $<HTMLDialogElement>('embed-dialog').showModal();
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
  registerServiceWorker();
}
