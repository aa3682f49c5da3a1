// What a heat map is asked to show: its spec (title, axis names, scale, groups, regions, what
// to tell on hover), the options of one update (mask, outlines), and the names the spec gives
// a row, a column and the legend. DOM-free; the view (heatmap.ts) and its painter share them.
import type { HeatmapScale } from './heatmap-colour';
import type { Cell, HeatmapGroup } from './heatmap-layout';

/** A labelled block of the matrix; the label sits in its top-right corner when it fits. */
export interface HeatmapRegion {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  label: string;
  /** Used for every region when one full label does not fit, e.g. 'tok→pos'. */
  shortLabel?: string;
}

export interface HeatmapSpec {
  /** Shown above the map. */
  title: string;
  /** e.g. 'query position i' */
  rowLabel: string;
  /** e.g. 'key position j' */
  colLabel: string;
  /** weight: viridis on [0,1]; signed: diverging, symmetric around 0, domain max |v| unless `domain` is set. */
  scale: HeatmapScale;
  domain?: [number, number];
  /** Tick and tooltip names (default: the index). */
  rowNames?: (r: number) => string;
  colNames?: (c: number) => string;
  /** An extra tooltip line, e.g. 'true edge: yes'. */
  describeCell?: (r: number, c: number, value: number) => string;
  /** Thin lines drawn before these indices (block boundaries). */
  separators?: { rows?: number[]; cols?: number[] };
  ariaLabel?: string;
  // Additions beyond the first draft of the API; all optional.
  /** Labelled spans along the axes (e.g. 'token' / 'position', or parts of the residual stream). */
  rowGroups?: ReadonlyArray<HeatmapGroup>;
  colGroups?: ReadonlyArray<HeatmapGroup>;
  /** Labelled blocks (e.g. 'token→position'); a label is left out when its block is too small. */
  regions?: ReadonlyArray<HeatmapRegion>;
  /** Words after the legend bar and before the tooltip value (default 'weight' or 'value'). */
  legendLabel?: string;
  /** false hides the tick names along that axis (the tooltip still names every cell). */
  ticks?: { rows?: boolean; cols?: boolean };
  /** false leaves the colour legend out (small multiples share one). */
  legend?: boolean;
  /** css px: the smallest cell; a map that would need smaller ones scrolls sideways instead. */
  minCell?: number;
  /** Where a map that scrolls sideways first shows: its start (default) or its end. */
  openAt?: 'start' | 'end';
  /** Told when the pointer or keyboard focus enters a cell, and null when it leaves (linked views). */
  onActiveCell?: (cell: Cell | null) => void;
}

export interface HeatmapUpdateOptions {
  /** true: the cell is left blank (e.g. the causal upper triangle). */
  masked?: (r: number, c: number) => boolean;
  /** Cells outlined with a bright two-tone border (e.g. the true parents). */
  outline?: ReadonlyArray<readonly [number, number]>;
}

// --- Names -----------------------------------------------------------------------------------

/** A row's tick and tooltip name (default: its index). */
export function rowName(spec: HeatmapSpec, r: number): string {
  return spec.rowNames ? spec.rowNames(r) : String(r);
}

/** A column's tick and tooltip name (default: its index). */
export function colName(spec: HeatmapSpec, c: number): string {
  return spec.colNames ? spec.colNames(c) : String(c);
}

/** The words after the legend bar and before the tooltip value. */
export function legendLabel(spec: HeatmapSpec): string {
  return spec.legendLabel ?? (spec.scale === 'weight' ? 'weight' : 'value');
}
