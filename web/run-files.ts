// The run as files: the figure as a PNG, the run as JSON, and a JSON file read back. The heavy
// part (export.ts: the PNG composer, the JSON schema) loads on first use.
import type { Lab } from './lab/lab';
import { modifiedFromPreset } from './settings-form';
import { parseSettings, PRESETS, settingsToSearch, type Settings } from './settings';
import type { LiveFigure } from './views/live-figure';
import type { GraphInfo, ResolvedConfig, Snapshot } from './worker/protocol';

/** Downloads the figure as a PNG with its caption (throws on failure). */
export async function exportFigurePng(figure: LiveFigure, settings: Settings): Promise<void> {
  // Several heads: the maps in one row, then the graph and the loss.
  const exported = figure.exportPanels();
  const maps = exported.filter((panel) => panel.title === '');
  const panels = maps.length > 1 ? [...maps, ...exported.filter((panel) => panel.title !== '')] : exported;
  const { composePng, download, figureCaption } = await import('./export');
  const step = figure.current?.step ?? 0;
  const recovery = figure.current?.metrics.parent_recovery ?? [];
  const caption = figureCaption({
    settings, presetTitle: PRESETS[settings.preset].title, modified: modifiedFromPreset(settings).length > 0,
    graphName: figure.graph?.name ?? null, step, recovery, url: location.href,
  });
  const blob = await composePng(panels, caption, Math.max(2, maps.length));
  download(blob, `causal-playground-${settings.preset}-step${step}.png`);
}

/** Downloads the run as JSON: settings, config, graph, losses, interventions, compared runs, snapshots. */
export async function exportRunJson(figure: LiveFigure, settings: Settings, lab: Lab | null): Promise<void> {
  const { download, runToJson, thin } = await import('./export');
  const json = runToJson({
    url: location.href,
    settings,
    config: figure.config,
    graph: figure.graph,
    test_loss: figure.history.all().map((s) => ({ step: s.metrics.step, loss: s.metrics.test_loss })),
    train_loss: figure.trainLoss(),
    interventions: figure.current?.interventions ?? [],
    compared_runs: lab?.exportRuns() ?? [],
    // Compact: at most 200 evaluated snapshots, evenly spread, the first and last kept.
    snapshots: thin(figure.history.all(), 200),
  });
  download(new Blob([json], { type: 'application/json' }), `causal-playground-${settings.preset}.json`);
}

/** A run file, checked: its settings (with notices for any field put back to its default) and its record. */
export interface RunFile {
  settings: Settings;
  notices: string[];
  config: ResolvedConfig;
  graph: GraphInfo;
  snapshots: Snapshot[];
  /** The comparison the run was exported with (the link's `vary`), if any. */
  vary: string | null;
}

/** Reads an exported run; throws an Error that says what is wrong with the file. */
export async function readRunFile(file: File): Promise<RunFile> {
  const { runFromJson } = await import('./export');
  const run = runFromJson(await file.text());
  let search: string;
  try {
    search = settingsToSearch(run.settings as Settings);
  } catch {
    throw new Error('settings must be the settings object of an exported run');
  }
  const { settings, notices } = parseSettings(`?${search}`);
  let vary: string | null = null;
  try {
    vary = new URL(run.url).searchParams.get('vary');
  } catch {
    vary = null;
  }
  return { settings, notices, config: run.config, graph: run.graph, snapshots: run.snapshots, vary };
}
