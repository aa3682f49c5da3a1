// The heat map's tooltip: a small DOM box of up to four lines (row, column, value, and the
// spec's note on the cell), placed beside the active cell and kept inside the figure. Its
// elements are made once and only their text changes as the pointer moves.
import type { Cell, HeatmapLayout } from './heatmap-layout';

/** One tooltip line: [key, value]; a line with no key shows the value alone (the note). */
export type TooltipLine = [string, string];

const LINES = 4;

export class HeatmapTooltip {
  readonly element: HTMLElement;
  private readonly values: Text[] = [];
  private readonly keys: HTMLElement[] = [];
  private readonly rows: HTMLElement[] = [];

  constructor(doc: Document) {
    this.element = doc.createElement('div');
    this.element.className = 'hm-tooltip';
    this.element.hidden = true;
    this.element.setAttribute('aria-hidden', 'true');
    for (let i = 0; i < LINES; i++) {
      const row = doc.createElement('div');
      row.className = i === LINES - 1 ? 'hm-tooltip-note' : 'hm-tooltip-row';
      const key = doc.createElement('span');
      key.className = 'hm-tooltip-key';
      const value = doc.createTextNode('');
      row.append(key, value);
      this.element.append(row);
      this.rows.push(row);
      this.keys.push(key);
      this.values.push(value);
    }
  }

  /** Shows `lines` beside `cell`: above and to its right where there is room, else below or to its left. */
  show(lines: TooltipLine[], cell: Cell, layout: HeatmapLayout, availableWidth: number): void {
    for (let i = 0; i < LINES; i++) {
      const line = lines[i];
      this.rows[i].hidden = !line || (!line[0] && !line[1]);
      if (!line) continue;
      const keyText = line[0] ? `${line[0]} ` : '';
      if (this.keys[i].textContent !== keyText) this.keys[i].textContent = keyText;
      if (this.values[i].data !== line[1]) this.values[i].data = line[1];
    }
    this.element.hidden = false;
    const { row, col } = cell;
    const cellLeft = layout.plotX + col * layout.cell;
    const cellTop = layout.plotY + row * layout.cell;
    const width = this.element.offsetWidth;
    const height = this.element.offsetHeight;
    const figureWidth = Math.max(layout.width, availableWidth);
    let x = cellLeft + layout.cell + 10;
    let y = cellTop - height - 6;
    if (y < 0) y = cellTop + layout.cell + 10;
    if (x + width > figureWidth) x = cellLeft - width - 10;
    if (x < 0) x = Math.max(0, Math.min(figureWidth - width, cellLeft + layout.cell / 2 - width / 2));
    y = Math.max(0, Math.min(layout.height - height, y));
    this.element.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
