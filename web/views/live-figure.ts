// The live figure: one component that turns the worker's snapshots into the figure, for the
// playground and the embed page alike. It owns the run's bookkeeping (the history of
// evaluated snapshots, the recovery points behind the phase marker, the loss chart's series)
// and draws the causal graph, the first-layer heat maps, the recovery bars, the layer-2 query
// strip, the loss chart and, when asked, the model's blocks. The page keeps its own chrome.
//
// A new run is the worker's word, not a guess: when a snapshot carries another runId than the
// one shown, the figure starts over. The worker announces each run by a status (setStatus)
// before its first snapshot, so the run's graph is known by then.
import type { Panel } from '../export';
import { inductionTargets } from '../shared/figure-data';
import { SnapshotHistory } from '../history';
import type { GraphInfo, ResolvedConfig, Snapshot, Status } from '../worker/protocol';
import { AttentionPanel } from './attention-panel';
import { BlocksView } from './blocks';
import { GraphView } from './graph-view';
import { detectPhaseTransition, LossChart } from './loss-chart';
import { QueryStrip } from './query-strip';
import { RecoveryBars } from './recovery-bars';
import { formatLoss, formatRate, headlineRecovery, parentSlotNames } from './vocabulary';

export type FigureView = 'parameter' | 'batch';

/** The views the figure draws into; tests pass stand-ins. */
export interface FigureViews {
  attention: Pick<AttentionPanel, 'update' | 'canvases'>;
  recovery: Pick<RecoveryBars, 'update'>;
  queryStrip: Pick<QueryStrip, 'update'>;
  lossChart: Pick<LossChart, 'reset' | 'appendTrain' | 'addTest' | 'setPhaseMarker' | 'setCursorStep'> & { element?: HTMLElement };
  /** The causal graph (the embed page has none). */
  graph?: Pick<GraphView, 'update'> & { svg?: SVGSVGElement };
  /** The first layer's blocks (the playground's "inside the model" card). */
  blocks?: Pick<BlocksView, 'update'>;
}

/** Where the views go: one element each; leave out what a page does not show. */
export interface FigureContainers {
  attention: HTMLElement;
  recovery: HTMLElement;
  queryStrip: HTMLElement;
  lossChart: HTMLElement;
  graph?: HTMLElement;
  blocks?: HTMLElement;
}

/** Builds the real views into their containers. */
export function createFigureViews(containers: FigureContainers, options: { onEditGraph?: (parents: number[][]) => void } = {}): FigureViews {
  return {
    attention: new AttentionPanel(containers.attention),
    recovery: new RecoveryBars(containers.recovery),
    queryStrip: new QueryStrip(containers.queryStrip),
    lossChart: new LossChart(containers.lossChart),
    graph: containers.graph ? new GraphView(containers.graph, { onEdit: options.onEditGraph }) : undefined,
    blocks: containers.blocks ? new BlocksView(containers.blocks) : undefined,
  };
}

export interface LiveFigureOptions {
  /** Keep the evaluated snapshots for a history slider (default true). */
  keepHistory?: boolean;
  /** Shortest time between two redraws while training (ms; default 50). */
  renderIntervalMs?: number;
  /** Whether the blocks are drawn now (e.g. only while their card is open). */
  showBlocks?: () => boolean;
  /** Counters the figure keeps current: the step, the steps per second, the test loss. */
  counters?: { step?: HTMLElement; rate?: HTMLElement; testLoss?: HTMLElement };
  /** Runs `draw` after `waitMs` (default: a timeout, then an animation frame). */
  schedule?: (draw: () => void, waitMs: number) => void;
  now?: () => number;
}

/** One point behind the phase marker: the headline recovery of both views at a step. */
interface RecoveryPoint {
  step: number;
  parameter: number;
  batch: number;
}

const defaultSchedule = (draw: () => void, waitMs: number) => window.setTimeout(() => requestAnimationFrame(draw), waitMs);

export class LiveFigure {
  /** The evaluated snapshots of the current run (empty unless keepHistory). */
  readonly history = new SnapshotHistory();
  private runId: number | null = null;
  private graphInfo: GraphInfo | null = null;
  private configInfo: ResolvedConfig | null = null;
  private view: FigureView = 'parameter';
  private editable = false;
  private editedParents: number[][] | null = null;
  private readonly points: RecoveryPoint[] = [];
  private lastTestStep = -1;
  private latest: Snapshot | null = null;
  private shown: Snapshot | null = null;
  private following = true;
  private graphKey = '';
  private pending = false;
  private lastRender = -Infinity;
  private readonly keepHistory: boolean;
  private readonly renderIntervalMs: number;
  private readonly schedule: (draw: () => void, waitMs: number) => void;
  private readonly now: () => number;

  constructor(
    private readonly views: FigureViews,
    private readonly options: LiveFigureOptions = {},
  ) {
    this.keepHistory = options.keepHistory ?? true;
    this.renderIntervalMs = options.renderIntervalMs ?? 50;
    this.schedule = options.schedule ?? defaultSchedule;
    this.now = options.now ?? (() => performance.now());
  }

  get graph(): GraphInfo | null {
    return this.graphInfo;
  }

  get config(): ResolvedConfig | null {
    return this.configInfo;
  }

  /** The snapshot on screen (the latest, or one from the history). */
  get current(): Snapshot | null {
    return this.shown;
  }

  /** The run's graph and config, from any status (a new run's status comes before its first snapshot). */
  setStatus(status: Status): void {
    if (status.config) this.configInfo = status.config;
    if (status.graph) this.graphInfo = status.graph;
  }

  /** Which first-layer attention the heat maps, bars and phase marker show. */
  setView(view: FigureView): void {
    if (view === this.view) return;
    this.view = view;
    this.updatePhaseMarker();
    this.render(this.shown);
  }

  /** Whether the graph can be edited (the custom preset). */
  setEditable(editable: boolean): void {
    this.editable = editable;
  }

  /** Shows a graph being edited until the next run starts (or null to show the run's graph). */
  showEditedGraph(parents: number[][] | null): void {
    this.editedParents = parents;
    this.render(this.shown);
  }

  /** Back to the live snapshots after looking at the history. */
  follow(): void {
    this.following = true;
  }

  /** One snapshot from the worker. */
  receive(snapshot: Snapshot): void {
    if (snapshot.runId !== this.runId) this.startRun(snapshot);
    this.latest = snapshot;
    const metrics = snapshot.metrics;
    if (snapshot.parameters) {
      if (this.keepHistory) this.history.push(snapshot);
      this.points.push({
        step: metrics.step,
        parameter: headlineRecovery(metrics.parent_recovery),
        batch: headlineRecovery(metrics.parent_recovery_batch),
      });
    }
    const chart = this.views.lossChart;
    if (snapshot.lossSteps.length > 0) chart.appendTrain(snapshot.lossSteps, snapshot.losses);
    if (metrics.step !== this.lastTestStep) {
      this.lastTestStep = metrics.step;
      chart.addTest(metrics.step, metrics.test_loss);
      this.updatePhaseMarker();
    }
    const counters = this.options.counters;
    if (counters?.step) counters.step.textContent = snapshot.step.toLocaleString('en-US');
    if (counters?.rate) counters.rate.textContent = formatRate(snapshot.stepsPerSecond);
    if (counters?.testLoss) counters.testLoss.textContent = formatLoss(metrics.test_loss);
    if (this.following) this.scheduleRender(snapshot);
  }

  /**
   * Shows entry `index` of the history (the last one is live again) and puts the loss chart's
   * cursor on it. Returns the snapshot shown and whether it is live, or null for no entry.
   */
  showHistory(index: number): { snapshot: Snapshot; live: boolean } | null {
    const snapshot = this.history.at(index);
    if (!snapshot) return null;
    const live = index >= this.history.length - 1;
    this.following = live;
    this.views.lossChart.setCursorStep(live ? null : snapshot.step);
    this.shown = live && this.latest ? this.latest : snapshot;
    this.render(this.shown);
    return { snapshot, live };
  }

  /** Draws the snapshot on screen again (e.g. after the blocks' card opens). */
  redraw(): void {
    this.render(this.shown);
  }

  /** The panels of a PNG export: the graph, the heat maps (titled on their canvases) and the loss. */
  exportPanels(): Panel[] {
    const panels: Panel[] = [];
    if (this.views.graph?.svg) panels.push({ title: 'Causal graph', element: this.views.graph.svg });
    for (const canvas of this.views.attention.canvases()) panels.push({ title: '', element: canvas });
    const chartCanvas = this.views.lossChart.element?.querySelector('canvas');
    if (chartCanvas) panels.push({ title: 'Loss', element: chartCanvas });
    return panels;
  }

  // --- internals ---------------------------------------------------------------------------

  private startRun(snapshot: Snapshot): void {
    this.runId = snapshot.runId;
    this.history.clear();
    this.points.length = 0;
    this.lastTestStep = -1;
    this.following = true;
    this.editedParents = null;
    const metrics = snapshot.metrics;
    this.views.lossChart.reset({
      bayes: metrics.bayes_loss,
      one_parent: metrics.one_parent_loss,
      unigram: metrics.unigram_loss,
      uniform: metrics.uniform_loss,
      multiParent: this.graphInfo?.multi_parent ?? false,
    });
  }

  private updatePhaseMarker(): void {
    const points = this.points.map((point) => ({ step: point.step, recovery: point[this.view] }));
    this.views.lossChart.setPhaseMarker(detectPhaseTransition(points), 'phase transition');
  }

  /**
   * Draws at most every renderIntervalMs, on an animation frame: attention changes slowly, and
   * drawing every view 60 times a second would compete with the worker for a small CPU.
   */
  private scheduleRender(snapshot: Snapshot): void {
    this.shown = snapshot;
    if (this.pending) return;
    this.pending = true;
    const wait = Math.max(0, this.lastRender + this.renderIntervalMs - this.now());
    this.schedule(() => {
      this.pending = false;
      this.lastRender = this.now();
      this.render(this.shown);
    }, wait);
  }

  private render(snapshot: Snapshot | null): void {
    const graph = this.graphInfo;
    const config = this.configInfo;
    if (!snapshot || !graph || !config) return;
    // The standard model has no position block: its only first-layer map is the data view.
    const dataOnly = config.model === 'standard';
    const parameterView = this.view === 'parameter' && !dataOnly;
    const recovery = parameterView ? snapshot.metrics.parent_recovery : snapshot.metrics.parent_recovery_batch;
    const slotNames = parentSlotNames(graph);
    this.views.attention.update({
      T: snapshot.T,
      heads: parameterView ? snapshot.attentionParameterView : snapshot.attentionBatchView,
      parents: graph.parents,
      view: dataOnly ? 'data' : this.view,
      recovery,
      slotNames,
    });
    this.views.recovery.update(recovery, slotNames);
    this.views.queryStrip.update({
      tokens: snapshot.sampleTokens,
      attention: snapshot.sampleQueryAttention,
      highlight: inductionTargets(graph, snapshot.sampleTokens),
      S: config.S,
    });
    // The graph and its sample change only on configure, resample or an edit: redraw only then.
    if (this.views.graph) {
      const shownGraph = this.editedParents ? { ...graph, parents: this.editedParents } : graph;
      const graphKey = JSON.stringify([shownGraph.name, shownGraph.parents, Array.from(snapshot.sampleTokens), config.S, this.editable]);
      if (graphKey !== this.graphKey) {
        this.graphKey = graphKey;
        this.views.graph.update({ graph: shownGraph, tokens: snapshot.sampleTokens, S: config.S, editable: this.editable });
      }
    }
    if (this.views.blocks && (this.options.showBlocks?.() ?? true)) {
      const parameters = snapshot.parameters ?? this.history.all().at(-1)?.parameters ?? null;
      if (parameters)
        this.views.blocks.update({
          S: config.S, T: config.T, widths: parameters.widths, A1: parameters.A1, W: parameters.W,
          model: config.model === 'standard' ? 'standard' : 'catformer',
        });
    }
  }
}
