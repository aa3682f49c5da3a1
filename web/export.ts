// Exports: a PNG of the figure panel (its canvases and SVGs composed with their titles), and
// the run as JSON (settings, config, graph, metrics, and every kept snapshot).
import type { Settings } from './settings';
import { FONT_FAMILY } from './views/vocabulary';
import type { GraphInfo, ResolvedConfig, Snapshot } from './worker/protocol';

export interface Panel {
  title: string;
  element: HTMLCanvasElement | SVGSVGElement;
}

const PADDING = 16;
const TITLE_HEIGHT = 22;

async function toImage(element: HTMLCanvasElement | SVGSVGElement): Promise<CanvasImageSource & { width: number; height: number }> {
  if (element instanceof HTMLCanvasElement) return element;
  const box = element.getBoundingClientRect();
  const clone = element.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.max(1, Math.round(box.width))));
  clone.setAttribute('height', String(Math.max(1, Math.round(box.height))));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** What a PNG says around its panels: the task, the settings and seed, the recovery, the link. */
export interface Caption {
  /** The task: the preset (modified or not) and the graph. */
  title: string;
  /** The settings, the seed and the step. */
  subtitle: string;
  /** Under the panels: the parent recovery, then the link. */
  footnotes: string[];
}

/** The caption of the figure at `step` of a run with `settings`; `recovery` is [head][parent slot]. */
export function figureCaption(input: {
  settings: Settings;
  presetTitle: string;
  modified: boolean;
  graphName: string | null;
  step: number;
  recovery: ReadonlyArray<ReadonlyArray<number>>;
  url: string;
}): Caption {
  const s = input.settings;
  const graph = input.graphName ? ` · graph ${input.graphName}` : '';
  const recovery = input.recovery
    .map((slots, h) => `head ${h + 1} ${slots.map((v) => (Number.isFinite(v) ? v.toFixed(2) : '—')).join(' / ')}`)
    .join('; ');
  return {
    title: `${input.presetTitle}${input.modified ? ' (modified)' : ''}${graph}`,
    subtitle:
      `S = ${s.S}, T = ${s.T}, α = ${s.alpha}, heads ${s.heads.join(',')}, ${s.model}, ${s.optimizer} lr ${s.lr}, ` +
      `batch ${s.batch} · seed ${s.seed} · step ${input.step.toLocaleString('en-US')}`,
    footnotes: [`Parent recovery (layer 1, per parent): ${recovery || 'none yet'}.`, `Link: ${input.url}`],
  };
}

/** `text` cut into lines no wider than `maxWidth` (at spaces when it can, anywhere in a long link). */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > 0 && measure(rest) > maxWidth) {
    let cut = rest.length - 1;
    while (cut > 1 && measure(rest.slice(0, cut)) > maxWidth) cut--;
    const space = rest.lastIndexOf(' ', cut);
    if (space > cut / 2) cut = space + 1;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || lines.length === 0) lines.push(rest);
  return lines;
}

/**
 * Lays the panels out in rows of up to `columns`, each under its title, on white, under the
 * caption's title and subtitle; the caption's footnotes (wrapped to the width) go under them.
 */
export async function composePng(panels: Panel[], caption: Caption, columns = 2): Promise<Blob> {
  const images = await Promise.all(panels.map((panel) => toImage(panel.element)));
  const scale = 1;
  const cellWidth = Math.max(...images.map((image) => image.width), 200);
  const rows: { images: typeof images; titles: string[]; height: number }[] = [];
  for (let i = 0; i < images.length; i += columns) {
    const slice = images.slice(i, i + columns);
    rows.push({ images: slice, titles: panels.slice(i, i + columns).map((p) => p.title), height: Math.max(...slice.map((image) => image.height)) });
  }
  const width = PADDING + columns * (cellWidth + PADDING);
  const FOOTNOTE_LINE = 17;
  const HEADER = 48;
  const canvas = document.createElement('canvas');
  const measurer = canvas.getContext('2d');
  const footFont = `12px ${FONT_FAMILY}`;
  if (measurer) measurer.font = footFont;
  const measure = (text: string) => (measurer ? measurer.measureText(text).width : text.length * 7);
  const footnotes = caption.footnotes.flatMap((line) => wrapText(line, width - 2 * PADDING, measure));
  const height = PADDING * 2 + HEADER + rows.reduce((sum, row) => sum + row.height + TITLE_HEIGHT + PADDING, 0) + footnotes.length * FOOTNOTE_LINE;
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw the PNG (no 2D canvas)');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#1d2330';
  context.font = `600 18px ${FONT_FAMILY}`;
  context.fillText(caption.title, PADDING, PADDING + 18);
  context.fillStyle = '#4b5263';
  context.font = `13px ${FONT_FAMILY}`;
  context.fillText(caption.subtitle, PADDING, PADDING + 40);
  let y = PADDING * 2 + HEADER;
  for (const row of rows) {
    row.images.forEach((image, column) => {
      const x = PADDING + column * (cellWidth + PADDING);
      context.fillStyle = '#3a4150';
      context.font = `500 13px ${FONT_FAMILY}`;
      context.fillText(row.titles[column], x, y + 14);
      const ratio = Math.min(1, cellWidth / image.width);
      context.drawImage(image, x, y + TITLE_HEIGHT, image.width * ratio, image.height * ratio);
    });
    y += row.height + TITLE_HEIGHT + PADDING;
  }
  context.fillStyle = '#4b5263';
  context.font = footFont;
  footnotes.forEach((line, k) => context.fillText(line, PADDING, y + k * FOOTNOTE_LINE + 10));
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be encoded'))), 'image/png'),
  );
}

export interface RunExport {
  format: 'causal-structure-playground/run';
  version: 1;
  exported_at: string;
  url: string;
  settings: Settings;
  config: ResolvedConfig | null;
  graph: GraphInfo | null;
  test_loss: { step: number; loss: number }[];
  train_loss: { step: number; loss: number }[];
  /** This run's interventions (ablations, freezes, knockouts), oldest first. */
  interventions?: { step: number; action: string }[];
  /** The runs compared with this one, each with the setting it varies. */
  compared_runs?: unknown[];
  snapshots: unknown[];
}

const plain = (array: ArrayLike<number>) => Array.from(array);

/** The run as plain JSON: typed arrays become arrays. */
export function runToJson(run: Omit<RunExport, 'format' | 'version' | 'exported_at' | 'snapshots'> & { snapshots: readonly Snapshot[] }): string {
  const out: RunExport = {
    format: 'causal-structure-playground/run',
    version: 1,
    exported_at: new Date().toISOString(),
    ...run,
    snapshots: run.snapshots.map((s) => ({
      step: s.step,
      metrics: s.metrics,
      attention_parameter_view: s.attentionParameterView.map(plain),
      attention_batch_view: s.attentionBatchView.map(plain),
      query_attention: s.queryAttention.map(plain),
      sample_tokens: plain(s.sampleTokens),
      sample_query_attention: s.sampleQueryAttention.map(plain),
      parameters: s.parameters ? { widths: s.parameters.widths, A1: s.parameters.A1.map(plain), W: plain(s.parameters.W) } : null,
    })),
  };
  return JSON.stringify(out);
}

/** At most `limit` entries, evenly spread, the first and the last always kept (a compact export). */
export function thin<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return items.slice();
  const kept: T[] = [];
  for (let k = 0; k < limit; k++) kept.push(items[Math.round((k * (items.length - 1)) / (limit - 1))]);
  return kept;
}

/** A run read back from its JSON: what the page needs to show it again, paused at its last step. */
export interface LoadedRun {
  url: string;
  settings: unknown;
  config: ResolvedConfig;
  graph: GraphInfo;
  trainLoss: { step: number; loss: number }[];
  snapshots: Snapshot[];
}

const numbers = (value: unknown, what: string): number[] => {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' || v === null)) throw new Error(`${what} must be an array of numbers`);
  return value.map((v) => (v === null ? NaN : v));
};

/** Reads a run exported by runToJson; a file that is not one is refused with the field at fault. */
export function runFromJson(text: string): LoadedRun {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('the file is not JSON');
  }
  if (!data || data.format !== 'causal-structure-playground/run') throw new Error('format must be "causal-structure-playground/run": this is not an exported run');
  if (data.version !== 1) throw new Error(`version must be 1 (got ${String(data.version)})`);
  const config = data.config as ResolvedConfig | null;
  const graph = data.graph as GraphInfo | null;
  if (!config || typeof config !== 'object' || !Number.isInteger(config.T)) throw new Error('config must be the run\'s resolved config, with T');
  if (!graph || !Array.isArray(graph.parents)) throw new Error('graph must be the run\'s graph, with parents');
  if (!Array.isArray(data.snapshots) || data.snapshots.length === 0) throw new Error('snapshots must be a non-empty array');
  const trainLoss = Array.isArray(data.train_loss) ? (data.train_loss as { step: number; loss: number }[]).filter((p) => Number.isFinite(p?.step)) : [];
  const interventions = Array.isArray(data.interventions)
    ? (data.interventions as { step: number; action: string }[]).filter((e) => Number.isInteger(e?.step) && typeof e?.action === 'string')
    : [];
  const snapshots = (data.snapshots as Record<string, unknown>[]).map((raw, k): Snapshot => {
    const at = `snapshots[${k}]`;
    if (!raw || typeof raw !== 'object' || !Number.isInteger(raw.step)) throw new Error(`${at}.step must be a whole number`);
    if (!raw.metrics || typeof raw.metrics !== 'object') throw new Error(`${at}.metrics must be an object`);
    const rows = (value: unknown, what: string) => {
      if (!Array.isArray(value)) throw new Error(`${at}.${what} must be an array of arrays`);
      return value.map((row, h) => Float64Array.from(numbers(row, `${at}.${what}[${h}]`)));
    };
    const parameters = raw.parameters as { widths: number[]; A1: number[][]; W: number[] } | null;
    return {
      runId: -1,
      step: raw.step as number,
      state: 'paused',
      stepsPerSecond: 0,
      metrics: raw.metrics as Snapshot['metrics'],
      T: config.T,
      attentionParameterView: rows(raw.attention_parameter_view, 'attention_parameter_view'),
      attentionBatchView: rows(raw.attention_batch_view, 'attention_batch_view'),
      queryAttention: rows(raw.query_attention, 'query_attention'),
      sampleTokens: Int32Array.from(numbers(raw.sample_tokens, `${at}.sample_tokens`)),
      sampleQueryAttention: rows(raw.sample_query_attention, 'sample_query_attention'),
      parameters: parameters
        ? { widths: parameters.widths, A1: parameters.A1.map((a) => Float32Array.from(a)), W: Float32Array.from(parameters.W) }
        : null,
      // The run's interventions up to this step (the loss chart marks them).
      interventions: interventions.filter((e) => e.step <= (raw.step as number)).map((e) => ({ step: e.step, action: e.action.slice(0, 80) })),
      // The whole training-loss history rides on the first snapshot.
      lossSteps: Float64Array.from(k === 0 ? trainLoss.map((p) => p.step) : []),
      losses: Float64Array.from(k === 0 ? trainLoss.map((p) => p.loss) : []),
    };
  });
  return { url: typeof data.url === 'string' ? data.url : '', settings: data.settings, config, graph, trainLoss, snapshots };
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
