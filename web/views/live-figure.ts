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
import { inductionTargets } from '../common/figure-data';
import { SnapshotHistory } from '../history';
import type { GraphInfo, ResolvedConfig, Snapshot, Status } from '../worker/protocol';
import { AttentionPanel } from './attention-panel';
import { BlocksView } from './blocks';
import { GraphView } from './graph-view';
import { LossChart } from './loss-chart';
import { detectPhaseTransition } from './loss-chart-data';
import { bestPerSlot, detectPlateau } from './plateau';
import { QueryStrip } from './query-strip';
import { RecoveryBars } from './recovery-bars';
import { formatLoss, formatRate, headlineRecovery, parentSlotNames } from './vocabulary';

export type FigureView = 'parameter' | 'batch';

/** The views the figure draws into; tests pass stand-ins. */
export interface FigureViews {
  attention: Pick<AttentionPanel, 'update' | 'canvases'>;
  recovery: Pick<RecoveryBars, 'update'>;
  queryStrip: Pick<QueryStrip, 'update'>;
  lossChart: Pick<LossChart, 'reset' | 'appendTrain' | 'addTest' | 'setPhaseMarker' | 'setCursorStep' | 'setInterventions'> &
    Partial<Pick<LossChart, 'setPlateau' | 'exportCanvas'>> & { element?: HTMLElement };
  /** The causal graph (the embed page has none). */
  graph?: Pick<GraphView, 'update'> & { svg?: SVGSVGElement };
  /** The first layer's blocks (the playground's "inside the model" card). */
  blocks?: Pick<BlocksView, 'update'>;
  /** Lines the graph's positions up over the heat map's columns (after the maps are drawn). */
  align?: () => void;
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
export function createFigureViews(
  containers: FigureContainers,
  options: { onEditGraph?: (parents: number[][]) => void; lossChartHeight?: number } = {},
): FigureViews {
  const attention = new AttentionPanel(containers.attention);
  const queryStrip = new QueryStrip(containers.queryStrip);
  const graph = containers.graph ? new GraphView(containers.graph, { onEdit: options.onEditGraph }) : undefined;
  let align: (() => void) | undefined;
  if (graph) {
    // Linked views: a token under the pointer marks its heat-map row and its layer-2 column; a
    // heat-map cell (i, j) marks the arc j -> i and the tokens i and j.
    graph.onHoverPosition = (i) => {
      attention.highlightRow(i);
      queryStrip.highlightColumn(i);
      graph.highlight(i === null ? [] : [i]);
    };
    attention.onActiveCell = (cell) => graph.highlight(cell ? [cell.row, cell.col] : [], cell ? [cell.row, cell.col] : null);
    // Position j of the graph over column j of head 1's map, so an arc and its cell line up.
    align = () => {
      const columns = attention.columns();
      if (!columns || !(columns.cell > 0)) return;
      graph.align({ left: columns.left - graph.originX, spacing: columns.cell });
    };
    const later = align;
    if (typeof window !== 'undefined') window.addEventListener('resize', () => requestAnimationFrame(later));
  }
  return {
    attention,
    recovery: new RecoveryBars(containers.recovery),
    queryStrip,
    lossChart: new LossChart(containers.lossChart, { height: options.lossChartHeight }),
    graph,
    blocks: containers.blocks ? new BlocksView(containers.blocks) : undefined,
    align,
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

/** One point behind the phase marker and the plateau: the recovery of both views at a step. */
interface RecoveryPoint {
  step: number;
  parameter: number;
  batch: number;
  /** Each parent slot's best head (the plateau of a multi-parent run). */
  parameterSlots: number[];
  batchSlots: number[];
}

/** The plateau's label on the loss chart. */
export const PLATEAU_LABEL = 'plateau: one parent found, the other flat';

/** Most recovery points kept for the phase marker. */
export const MAX_RECOVERY_POINTS = 4096;

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
  /** The run's training-batch losses (for the JSON export). */
  private readonly trainSteps: number[] = [];
  private readonly trainLosses: number[] = [];
  private lastTestStep = -1;
  private lastTestLoss = NaN;
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
        parameterSlots: bestPerSlot(metrics.parent_recovery),
        batchSlots: bestPerSlot(metrics.parent_recovery_batch),
      });
      // Bounded whatever the run's length: when full, keep every other point (and the last).
      if (this.points.length > MAX_RECOVERY_POINTS) {
        const kept = this.points.filter((_, i) => i % 2 === 1 || i === this.points.length - 1);
        this.points.length = 0;
        this.points.push(...kept);
      }
    }
    const chart = this.views.lossChart;
    chart.setInterventions((snapshot.interventions ?? []).map((event) => ({ step: event.step, label: event.action })));
    if (snapshot.lossSteps.length > 0) {
      chart.appendTrain(snapshot.lossSteps, snapshot.losses);
      for (let i = 0; i < Math.min(snapshot.lossSteps.length, snapshot.losses.length); i++) {
        this.trainSteps.push(snapshot.lossSteps[i]);
        this.trainLosses.push(snapshot.losses[i]);
      }
    }
    // A new step, or the same step with a new loss (an intervention while paused): the chart's
    // point at that step is the loss the toolbar shows.
    if (metrics.step !== this.lastTestStep || !Object.is(metrics.test_loss, this.lastTestLoss)) {
      this.lastTestStep = metrics.step;
      this.lastTestLoss = metrics.test_loss;
      chart.addTest(metrics.step, metrics.test_loss);
      this.updatePhaseMarker();
    }
    // While the history is scrubbed, the counters keep showing the scrubbed step.
    if (this.following) {
      this.showCounters(snapshot.step, snapshot.stepsPerSecond, metrics.test_loss);
      this.scheduleRender(snapshot);
    }
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
    const counted = this.shown;
    this.showCounters(counted.step, live ? counted.stepsPerSecond : 0, counted.metrics.test_loss);
    this.render(this.shown);
    return { snapshot, live };
  }

  /** The run's training-batch losses so far, at most `limit` points evenly spread. */
  trainLoss(limit = 2000): { step: number; loss: number }[] {
    const n = this.trainSteps.length;
    const stride = Math.max(1, Math.ceil(n / limit));
    const out: { step: number; loss: number }[] = [];
    for (let i = 0; i < n; i += stride) out.push({ step: this.trainSteps[i], loss: this.trainLosses[i] });
    if (n > 0 && (n - 1) % stride !== 0) out.push({ step: this.trainSteps[n - 1], loss: this.trainLosses[n - 1] });
    return out;
  }

  /** Shows a saved run (its snapshots in step order), paused at its last step, with its history. */
  loadRun(config: ResolvedConfig, graph: GraphInfo, snapshots: Snapshot[]): void {
    this.configInfo = config;
    this.graphInfo = graph;
    this.runId = null;
    for (const snapshot of snapshots) this.receive(snapshot);
    this.showHistory(this.history.length - 1);
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
    // The chart with its legend drawn under it (the page's legend is HTML, not on the canvas).
    const chartCanvas = this.views.lossChart.exportCanvas?.() ?? this.views.lossChart.element?.querySelector('canvas');
    if (chartCanvas) panels.push({ title: 'Loss', element: chartCanvas });
    return panels;
  }

  // --- internals ---------------------------------------------------------------------------

  private showCounters(step: number, stepsPerSecond: number, testLoss: number): void {
    const counters = this.options.counters;
    if (counters?.step) counters.step.textContent = step.toLocaleString('en-US');
    if (counters?.rate) counters.rate.textContent = formatRate(stepsPerSecond);
    if (counters?.testLoss) counters.testLoss.textContent = formatLoss(testLoss);
  }

  private startRun(snapshot: Snapshot): void {
    this.runId = snapshot.runId;
    this.history.clear();
    this.points.length = 0;
    this.trainSteps.length = 0;
    this.trainLosses.length = 0;
    this.lastTestStep = -1;
    this.lastTestLoss = NaN;
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
    this.views.lossChart.setPhaseMarker(detectPhaseTransition(points), 'parent recovery passed 0.5');
    // Multi-parent runs: the stretch where one parent is found and the other waits, if any.
    if (this.views.lossChart.setPlateau) {
      const key = this.view === 'parameter' ? 'parameterSlots' : 'batchSlots';
      const plateau = this.graphInfo?.multi_parent ? detectPlateau(this.points.map((p) => ({ step: p.step, slots: p[key] }))) : null;
      this.views.lossChart.setPlateau(plateau ? { start: plateau.start, end: plateau.end, label: PLATEAU_LABEL } : null);
    }
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
    if (this.views.align) {
      this.views.align();
      requestAnimationFrame(() => this.views.align?.());
    }
    this.views.queryStrip.update({
      tokens: snapshot.sampleTokens,
      attention: snapshot.sampleQueryAttention,
      highlight: inductionTargets(graph, snapshot.sampleTokens),
      S: config.S,
    });
    // The graph and its sample change only on configure, resample or an edit: redraw only then.
    if (this.views.graph) {
      const shownGraph = this.editedParents ? { ...graph, parents: this.editedParents } : graph;
      const graphKey = JSON.stringify([shownGraph.name, shownGraph.parents, Array.from(snapshot.sampleTokens), config.S, this.editable, this.editedParents !== null]);
      if (graphKey !== this.graphKey) {
        this.graphKey = graphKey;
        this.views.graph.update({ graph: shownGraph, tokens: snapshot.sampleTokens, S: config.S, editable: this.editable, draft: this.editedParents !== null });
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
