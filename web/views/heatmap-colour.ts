// The heat map's colours: the viridis and PuOr lookup tables, where a value falls on them, the
// colour domain and the legend ticks. DOM-free, so it is tested in Node.
import { scaleLinear } from 'd3-scale';
import { interpolatePuOr, interpolateViridis } from 'd3-scale-chromatic';

/** weight: viridis on [0, 1]; signed: the diverging PuOr, symmetric around 0. */
export type HeatmapScale = 'weight' | 'signed';

export const LUT_SIZE = 256;
export const NOT_A_NUMBER_RGB: readonly [number, number, number] = [208, 208, 208];
const lookupTables = new Map<HeatmapScale, Uint8ClampedArray>();

/** '#rrggbb' or 'rgb(r, g, b)' (what d3's interpolators return) as [r, g, b]. */
export function parseColour(css: string): [number, number, number] {
  const text = css.trim();
  if (text.startsWith('#') && text.length === 7) {
    return [parseInt(text.slice(1, 3), 16), parseInt(text.slice(3, 5), 16), parseInt(text.slice(5, 7), 16)];
  }
  const match = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/.exec(text);
  if (match) return [Math.round(Number(match[1])), Math.round(Number(match[2])), Math.round(Number(match[3]))];
  throw new Error(`unexpected colour '${css}'`);
}

export function interpolatorFor(scale: HeatmapScale): (t: number) => string {
  return scale === 'weight' ? interpolateViridis : interpolatePuOr;
}

/** LUT_SIZE colours of a scale as rgb triples, built once. */
export function colourTable(scale: HeatmapScale): Uint8ClampedArray {
  let table = lookupTables.get(scale);
  if (!table) {
    const interpolate = interpolatorFor(scale);
    table = new Uint8ClampedArray(LUT_SIZE * 3);
    for (let i = 0; i < LUT_SIZE; i++) table.set(parseColour(interpolate(i / (LUT_SIZE - 1))), i * 3);
    lookupTables.set(scale, table);
  }
  return table;
}

/** Where a value falls on the colour map, in [0, 1] (clamped); NaN when the value is not finite. */
export function colourPosition(value: number, domain: readonly [number, number]): number {
  if (!Number.isFinite(value)) return NaN;
  const [low, high] = domain;
  if (!(high > low)) return 0.5;
  const t = (value - low) / (high - low);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** The rgb triple a value is painted with, or null when it is not finite (hatched instead). */
export function colourFor(value: number, scale: HeatmapScale, domain: readonly [number, number]): [number, number, number] | null {
  const t = colourPosition(value, domain);
  if (Number.isNaN(t)) return null;
  const table = colourTable(scale);
  const i = Math.round(t * (LUT_SIZE - 1)) * 3;
  return [table[i], table[i + 1], table[i + 2]];
}

/**
 * The colour domain: `domain` when it is given and sound; [0, 1] for weights; for signed values
 * [-m, m] with m the largest finite |v| among the cells that are drawn ([-1, 1] when m is 0).
 */
export function resolveDomain(
  scale: HeatmapScale,
  values: ArrayLike<number>,
  domain?: readonly [number, number],
  include?: (index: number) => boolean,
): [number, number] {
  if (domain && Number.isFinite(domain[0]) && Number.isFinite(domain[1]) && domain[1] > domain[0]) return [domain[0], domain[1]];
  if (scale === 'weight') return [0, 1];
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && (!include || include(i))) {
      const magnitude = Math.abs(v);
      if (magnitude > largest) largest = magnitude;
    }
  }
  return largest > 0 ? [-largest, largest] : [-1, 1];
}

/** Legend ticks (3 to 5): quarters of [0, 1]; -m, -m/2, 0, m/2, m for symmetric domains; else d3's nice ticks. */
export function legendTicks(scale: HeatmapScale, domain: readonly [number, number]): number[] {
  const [low, high] = domain;
  if (scale === 'signed' && low < 0 && Math.abs(low + high) <= 1e-12 * Math.max(1, high)) {
    return [low, low / 2, 0, high / 2, high];
  }
  if (low === 0 && high === 1) return [0, 0.25, 0.5, 0.75, 1];
  const linear = scaleLinear().domain([low, high]);
  let ticks = linear.ticks(4);
  if (ticks.length > 5) ticks = linear.ticks(3);
  return ticks.length >= 2 ? ticks : [low, high];
}
