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

/** Lays the panels out in rows of up to `columns`, each under its title, on white. */
export async function composePng(panels: Panel[], heading: string, columns = 2): Promise<Blob> {
  const images = await Promise.all(panels.map((panel) => toImage(panel.element)));
  const scale = 1;
  const cellWidth = Math.max(...images.map((image) => image.width), 200);
  const rows: { images: typeof images; titles: string[]; height: number }[] = [];
  for (let i = 0; i < images.length; i += columns) {
    const slice = images.slice(i, i + columns);
    rows.push({ images: slice, titles: panels.slice(i, i + columns).map((p) => p.title), height: Math.max(...slice.map((image) => image.height)) });
  }
  const width = PADDING + columns * (cellWidth + PADDING);
  const height = PADDING * 2 + 28 + rows.reduce((sum, row) => sum + row.height + TITLE_HEIGHT + PADDING, 0);
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw the PNG (no 2D canvas)');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#1d2330';
  context.font = `600 18px ${FONT_FAMILY}`;
  context.fillText(heading, PADDING, PADDING + 18);
  let y = PADDING * 2 + 28;
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
