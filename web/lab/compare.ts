// Compare runs side by side. Each compared run copies the playground's settings but one, which
// the user picks (the seed by default), and trains in its own Web Worker with its own engine,
// so runs use separate cores. Play, Pause, Step and Reset on the playground act on every run;
// each run can also be paused alone. The comparison is part of the link (vary=seed:1,2,3) and
// of the JSON export.
import { TrainingClient } from '../client';
import {
  SETTINGS, copySettings, formatSetting, sameValue, settingRow, toEngineConfig, validateSetting,
  type SettingKey, type Settings,
} from '../settings';
import { AttentionPanel } from '../views/attention-panel';
import { formatLoss, headlineRecovery } from '../views/vocabulary';
import type { GraphInfo, Snapshot, Status } from '../worker/protocol';
import { CompareChart, RUN_COLOURS, ThinnedCurve } from './compare-chart';
import { el, showFieldError } from './dom';

/** The playground's run plus at most three compared runs. */
export const MAX_RUNS = 4;

/** Settings a comparison may vary: every engine setting the page shows, but the graph's own. */
export const VARIABLE_KEYS: readonly SettingKey[] = SETTINGS.map((row) => row.key).filter(
  (key) => !['preset', 'speed', 'view', 'graph', 'spec'].includes(key),
);

/** "seed:1,2,3" -> the key and the raw values; the message names what is wrong. */
export function parseVary(text: string): { key: SettingKey; values: string[] } | { error: string } {
  const colon = text.indexOf(':');
  const urlKey = colon < 0 ? text : text.slice(0, colon);
  const row = SETTINGS.find((r) => r.urlKey === urlKey && VARIABLE_KEYS.includes(r.key));
  if (!row) return { error: `vary: ${JSON.stringify(urlKey.slice(0, 40))} is not a setting a comparison can vary` };
  // Values are separated by ';' when they contain commas (heads), else by ','.
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  const values = (row.kind === 'heads' ? rest.split(';') : rest.split(',')).filter((v) => v !== '');
  if (values.length === 0) return { error: `vary: give at least one value, e.g. vary=${urlKey}:1,2` };
  if (values.length > MAX_RUNS - 1) return { error: `vary: at most ${MAX_RUNS - 1} values (got ${values.length})` };
  return { key: row.key, values };
}

/** The URL value of a comparison: "seed:1,2". */
export function formatVary(key: SettingKey, values: readonly string[]): string {
  const row = settingRow(key);
  return `${row.urlKey}:${values.join(row.kind === 'heads' ? ';' : ',')}`;
}

/** Runs that keep up with training on this machine: one core each, one left for the page. */
export function runsThatKeepUp(cores: number): number {
  return Math.max(1, Math.min(MAX_RUNS, (Number.isFinite(cores) && cores > 0 ? cores : 2) - 1));
}

interface ComparedRun {
  value: string;
  settings: Settings;
  client: TrainingClient;
  panel: HTMLElement;
  counter: HTMLElement;
  loss: HTMLElement;
  recovery: HTMLElement;
  error: HTMLElement;
  pause: HTMLButtonElement;
  attention: AttentionPanel;
  graph: GraphInfo | null;
  curve: ThinnedCurve;
  runId: number;
  pausedAlone: boolean;
  lastSnapshot: Snapshot | null;
}

export interface CompareOptions {
  /** The playground's client: its status drives every run's transport. */
  client: TrainingClient;
  /** The playground's current settings. */
  settings: () => Settings;
  /** A new Web Worker for a run. */
  makeWorker: () => Worker;
  /** Called when the comparison changes (to write the link). */
  onChange: () => void;
  /** The playground run's test losses so far, when the lab is made after that run started. */
  mainLosses?: ReadonlyArray<{ step: number; loss: number }>;
}

export class Compare {
  readonly element: HTMLElement;
  private readonly vary = el('select', { id: 'compare-vary', 'data-testid': 'compare-vary' });
  private readonly valueInput = el('input', { id: 'compare-value', 'data-testid': 'compare-value', size: '10' });
  private readonly addButton = el('button', { type: 'button', 'data-testid': 'compare', text: 'Compare: add a run' });
  private readonly error = el('p', { class: 'field-error', role: 'alert' });
  private readonly panels = el('div', { class: 'run-panels' });
  private readonly chartBox = el('div', { class: 'compare-chart-box' });
  private readonly chart: CompareChart;
  private readonly mainCurve = new ThinnedCurve();
  private readonly runs: ComparedRun[] = [];
  private varyKey: SettingKey = 'seed';
  private mainRunId = -1;
  private mainPlaying = false;
  private frame = 0;

  constructor(private readonly options: CompareOptions) {
    this.error.hidden = true;
    for (const key of VARIABLE_KEYS) this.vary.append(el('option', { value: key, text: settingRow(key).label }));
    this.vary.value = this.varyKey;
    this.vary.addEventListener('change', () => {
      if (this.runs.length > 0 && this.vary.value !== this.varyKey) {
        this.removeAll();
      }
      this.varyKey = this.vary.value as SettingKey;
      this.suggestValue();
    });
    this.addButton.addEventListener('click', () => void this.addFromInput());
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 2;
    const keepUp = runsThatKeepUp(cores);
    this.element = el(
      'div',
      { class: 'lab-compare' },
      el('h3', { text: 'Compare runs' }),
      el('p', { class: 'explain', text: 'Add runs that copy this run’s settings but one. Each trains in its own worker, on its own core; Play, Pause, Step and Reset act on all of them.' }),
      el('div', { class: 'lab-row' },
        el('label', { for: 'compare-vary', text: 'Vary' }), this.vary,
        el('label', { for: 'compare-value', text: 'to' }), this.valueInput, this.addButton),
      el('p', { class: 'explain', 'data-testid': 'compare-cores', text: `This machine reports ${cores || 'an unknown number of'} cores: about ${keepUp} run${keepUp === 1 ? '' : 's'} can train at full speed side by side; more share the cores and each slows down.` }),
      this.error,
      this.panels,
      this.chartBox,
    );
    this.chart = new CompareChart(this.chartBox);
    this.chartBox.hidden = true;
    // Made after the playground's run started (the lab loads on demand): take up that run as it
    // is, so its next status is not mistaken for a new run, and its curve so far.
    const status = options.client.lastStatus;
    if (status) {
      this.mainRunId = status.runId;
      this.mainPlaying = status.state === 'playing';
      for (const point of options.mainLosses ?? []) this.mainCurve.push(point.step, point.loss);
    }
    options.client.on('status', (status) => this.mainStatus(status));
    options.client.on('snapshot', (snapshot) => {
      this.mainCurve.push(snapshot.metrics.step, snapshot.metrics.test_loss);
      this.followSpeed();
      this.scheduleChart();
    });
    this.suggestValue();
  }

  /** The link's `vary` value, or null when nothing is compared. */
  urlValue(): string | null {
    return this.runs.length > 0 ? formatVary(this.varyKey, this.runs.map((run) => run.value)) : null;
  }

  /** Starts the comparison a link asked for (vary=seed:1,2), in place of any; the message names what is wrong. */
  async restore(text: string): Promise<string | null> {
    const parsed = parseVary(text);
    if ('error' in parsed) return parsed.error;
    if (this.runs.length > 0) this.removeAll();
    this.varyKey = parsed.key;
    this.vary.value = parsed.key;
    for (const value of parsed.values) {
      const error = await this.add(value, `vary ${settingRow(parsed.key).urlKey}`);
      if (error) return error;
    }
    return null;
  }

  /** Every compared run, for the JSON export. */
  exportRuns(): unknown[] {
    return this.runs.map((run) => ({
      varied: this.varyKey,
      value: run.value,
      settings: toEngineConfig(run.settings),
      step: run.lastSnapshot?.step ?? 0,
      metrics: run.lastSnapshot?.metrics ?? null,
      test_loss_curve: { steps: [...run.curve.steps], loss: [...run.curve.losses] },
    }));
  }

  /** The seed's next free value; for another setting an empty box that says the run's value. */
  private suggestValue(): void {
    const current = this.options.settings()[this.varyKey];
    this.valueInput.placeholder = `now ${formatSetting(this.varyKey, current)}`;
    this.valueInput.value = this.varyKey === 'seed' ? String(Number(current) + this.runs.length + 1) : '';
  }

  private async addFromInput(): Promise<void> {
    const error = await this.add(this.valueInput.value.trim(), settingRow(this.varyKey).label);
    showFieldError(this.error, error ?? '');
    if (!error) this.suggestValue();
  }

  /**
   * Adds a run with the varied setting at `raw`; returns a message when it cannot, naming the
   * setting as `name` (the form's label, or the link's key for a link's values).
   */
  private async add(raw: string, name: string): Promise<string | null> {
    if (this.runs.length >= MAX_RUNS - 1) return `At most ${MAX_RUNS} runs side by side (this one and ${MAX_RUNS - 1} more).`;
    const checked = validateSetting(this.varyKey, raw, name);
    if ('error' in checked) return checked.error;
    const current = this.options.settings()[this.varyKey];
    if (sameValue(checked.value as Settings[SettingKey], current))
      return `${name} is already ${formatSetting(this.varyKey, current)} in this run: give another value to compare with`;
    const settings = copySettings(this.options.settings());
    (settings as unknown as Record<string, unknown>)[this.varyKey] = checked.value;
    const value = formatSetting(this.varyKey, checked.value as Settings[typeof this.varyKey]);
    const run = this.createRun(value, settings);
    try {
      await run.client.init();
      await run.client.configure(toEngineConfig(settings));
      await run.client.setSpeed(this.options.client.speedLimit);
      if (this.mainPlaying) await run.client.play();
    } catch (error) {
      this.remove(run);
      return `The run with ${name} ${value} was refused: ${(error as Error).message}`;
    }
    this.options.onChange();
    return null;
  }

  private createRun(value: string, settings: Settings): ComparedRun {
    const index = this.runs.length + 1;
    const counter = el('strong', { 'data-testid': 'train-step', text: '0' });
    const loss = el('strong', { text: '—' });
    const recovery = el('strong', { text: '—' });
    const pause = el('button', { type: 'button', class: 'small', 'data-testid': 'run-pause', text: 'Pause this run' });
    const remove = el('button', { type: 'button', class: 'small', text: 'Remove' });
    const error = el('p', { class: 'field-error', role: 'alert' });
    error.hidden = true;
    const attentionBox = el('div', {});
    const swatch = el('span', { class: 'run-swatch' });
    swatch.style.background = RUN_COLOURS[index % RUN_COLOURS.length];
    const panel = el(
      'section',
      { class: 'run-panel card', 'data-testid': 'run-panel', 'aria-label': `Run ${index + 1}: ${settingRow(this.varyKey).label} = ${value}` },
      el('div', { class: 'card-head' }, el('h4', {}, swatch, ` ${settingRow(this.varyKey).label} = ${value}`), pause, remove),
      el('p', { class: 'run-counters' }, 'step ', counter, ' · test loss ', loss, ' · recovery ', recovery),
      error,
      attentionBox,
    );
    const run: ComparedRun = {
      value, settings, panel, counter, loss, recovery, error, pause,
      client: new TrainingClient(this.options.makeWorker()),
      attention: new AttentionPanel(attentionBox),
      graph: null, curve: new ThinnedCurve(), runId: -1, pausedAlone: false, lastSnapshot: null,
    };
    run.client.on('status', (status) => {
      if (status.graph) run.graph = status.graph;
      if (status.runId !== run.runId) {
        run.runId = status.runId;
        run.curve.clear();
      }
      pause.textContent = status.state === 'playing' ? 'Pause this run' : 'Play this run';
    });
    run.client.on('snapshot', (snapshot) => this.runSnapshot(run, snapshot));
    run.client.on('error', (e) => showFieldError(error, e.message));
    pause.addEventListener('click', () => {
      const playing = run.client.lastStatus?.state === 'playing';
      run.pausedAlone = playing;
      void (playing ? run.client.pause() : run.client.play()).catch((e: Error) => showFieldError(error, e.message));
    });
    remove.addEventListener('click', () => {
      this.remove(run);
      this.options.onChange();
    });
    this.runs.push(run);
    this.panels.append(panel);
    this.chartBox.hidden = false;
    return run;
  }

  private runSnapshot(run: ComparedRun, snapshot: Snapshot): void {
    run.lastSnapshot = snapshot;
    run.counter.textContent = snapshot.step.toLocaleString('en-US');
    run.loss.textContent = formatLoss(snapshot.metrics.test_loss);
    const recovery = headlineRecovery(snapshot.metrics.parent_recovery);
    run.recovery.textContent = Number.isFinite(recovery) ? recovery.toFixed(2) : '—';
    run.curve.push(snapshot.metrics.step, snapshot.metrics.test_loss);
    if (run.graph)
      run.attention.update({ T: snapshot.T, heads: snapshot.attentionParameterView, parents: run.graph.parents, view: 'parameter', recovery: snapshot.metrics.parent_recovery });
    this.scheduleChart();
  }

  private scheduleChart(): void {
    if (this.runs.length === 0 || this.frame) return;
    const draw = () => {
      this.frame = 0;
      const label = settingRow(this.varyKey).urlKey;
      const main = this.options.settings()[this.varyKey];
      this.chart.update(
        [`this run (${label} = ${formatSetting(this.varyKey, main)})`, ...this.runs.map((run) => `${label} = ${run.value}`)],
        [this.mainCurve, ...this.runs.map((run) => run.curve)],
      );
    };
    this.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(draw) : (draw(), 0);
  }

  /** The playground's status drives every run: play, pause, step, and a new run (reset or new settings). */
  private mainStatus(status: Status): void {
    const wasPlaying = this.mainPlaying;
    this.mainPlaying = status.state === 'playing';
    if (status.runId !== this.mainRunId) {
      const first = this.mainRunId === -1;
      this.mainRunId = status.runId;
      this.mainCurve.clear();
      if (!first) void this.restartAll();
    } else if (this.mainPlaying && !wasPlaying) {
      for (const run of this.runs) if (!run.pausedAlone) void run.client.play().catch(() => undefined);
    } else if (!this.mainPlaying && wasPlaying) {
      for (const run of this.runs) void run.client.pause().catch(() => undefined);
    } else if (/^stepped \d+$/.test(status.message)) {
      const n = Number(status.message.split(' ')[1]);
      for (const run of this.runs) void run.client.step(n).catch(() => undefined);
    }
  }

  /**
   * Every run trains at the playground run's speed limit (the slider's, or the auto pace's that
   * slows the climb down to watch), so the runs stay in step on the chart.
   */
  private followSpeed(): void {
    const limit = this.options.client.speedLimit;
    for (const run of this.runs) {
      if (run.client.speedLimit === limit) continue;
      void run.client.setSpeed(limit).catch(() => undefined);
    }
  }

  /** The playground started a new run: every compared run starts over from the new settings. */
  private async restartAll(): Promise<void> {
    for (const run of this.runs) {
      const settings = copySettings(this.options.settings());
      (settings as unknown as Record<string, unknown>)[this.varyKey] = run.settings[this.varyKey];
      run.settings = settings;
      try {
        showFieldError(run.error, '');
        await run.client.configure(toEngineConfig(settings));
        await run.client.setSpeed(this.options.client.speedLimit);
        if (this.mainPlaying && !run.pausedAlone) await run.client.play();
      } catch (error) {
        showFieldError(run.error, `This run's settings were refused: ${(error as Error).message}`);
      }
    }
    this.scheduleChart();
  }

  private remove(run: ComparedRun): void {
    run.client.terminate();
    run.panel.remove();
    this.runs.splice(this.runs.indexOf(run), 1);
    this.chartBox.hidden = this.runs.length === 0;
  }

  private removeAll(): void {
    for (const run of [...this.runs]) this.remove(run);
    this.options.onChange();
  }
}
