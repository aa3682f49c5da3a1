// Live parent recovery per first-layer head (docs/science.md: the mean attention weight from
// each position to its true parent), one horizontal bar per head and parent slot, with a faint
// target line at 0.9. The headline number carries data-testid="parent-recovery".
import {
  RECOVERY_TARGET,
  formatRecovery,
  headlineRecovery,
  headlineRecoveryLabel,
  parentSlotColor,
} from './vocabulary';
import './charts.css';

// The headline's definition lives in vocabulary.ts; these names stay reachable from here.
export { RECOVERY_TARGET, formatRecovery, headlineRecovery as summarizeRecovery } from './vocabulary';

/** What the bars show for recovery[head][slot], DOM-free: the headline, its words, each head's best slot. */
export function recoveryBarsModel(recovery: number[][], slotNames: string[]) {
  const slotCount = Math.max(1, slotNames.length, ...recovery.map((slots) => slots.length));
  const headline = headlineRecovery(recovery);
  return {
    slotCount,
    headline,
    label: headlineRecoveryLabel(recovery.length, slotCount),
    reached: Number.isFinite(headline) && headline >= RECOVERY_TARGET,
    bestSlot: recovery.map((slots) => {
      let best = -1;
      slots.forEach((v, s) => {
        if (Number.isFinite(v) && (best < 0 || v > slots[best])) best = s;
      });
      return best;
    }),
  };
}

interface Row {
  track: HTMLElement;
  bar: HTMLElement;
  value: HTMLElement;
  row: HTMLElement;
}

export class RecoveryBars {
  private readonly root: HTMLElement;
  private readonly summaryLabel: HTMLElement;
  private readonly summaryValue: HTMLElement;
  private readonly rowsBox: HTMLElement;
  private rows: Row[][] = [];
  private shapeKey = '';

  constructor(container: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'rb-root';
    const summary = document.createElement('div');
    summary.className = 'rb-summary';
    this.summaryLabel = document.createElement('span');
    this.summaryLabel.className = 'rb-summary-label';
    this.summaryLabel.textContent = 'parent recovery';
    this.summaryValue = document.createElement('span');
    this.summaryValue.className = 'rb-summary-value';
    this.summaryValue.dataset.testid = 'parent-recovery';
    this.summaryValue.textContent = '—';
    summary.append(this.summaryLabel, this.summaryValue);
    this.rowsBox = document.createElement('div');
    this.rowsBox.className = 'rb-rows';
    const note = document.createElement('p');
    note.className = 'rb-note';
    note.innerHTML = '<span class="rb-note-target" aria-hidden="true"></span>target 0.9';
    this.root.append(summary, this.rowsBox, note);
    container.append(this.root);
  }

  /** recovery[h][slot] in [0, 1]; slotNames e.g. ['parent'] or ['i−2', 'i−1']. */
  update(recovery: number[][], slotNames: string[]): void {
    const model = recoveryBarsModel(recovery, slotNames);
    const slotCount = model.slotCount;
    const key = `${recovery.length}x${slotCount}:${slotNames.join('|')}`;
    if (key !== this.shapeKey) this.build(recovery.length, slotCount, slotNames);
    this.shapeKey = key;

    const multiSlot = slotCount > 1;
    this.rowsBox.classList.toggle('rb-multi', multiSlot);
    this.summaryValue.textContent = formatRecovery(model.headline);
    this.summaryLabel.textContent = model.label;
    this.summaryValue.classList.toggle('rb-reached', model.reached);

    recovery.forEach((slots, h) => {
      const best = model.bestSlot[h];
      this.rows[h].forEach((row, s) => {
        const value = slots[s];
        const finite = value !== undefined && Number.isFinite(value);
        const clamped = finite ? Math.min(1, Math.max(0, value)) : 0;
        row.bar.style.width = `${(clamped * 100).toFixed(1)}%`;
        row.value.textContent = formatRecovery(finite ? value : NaN);
        row.row.classList.toggle('rb-best', multiSlot && s === best);
        row.track.setAttribute('aria-valuenow', finite ? value.toFixed(2) : '0');
        row.track.setAttribute('aria-valuetext', formatRecovery(finite ? value : NaN));
      });
    });
  }

  destroy(): void {
    this.root.remove();
    this.rows = [];
  }

  private build(heads: number, slotCount: number, slotNames: string[]): void {
    this.rows = [];
    const rows: HTMLElement[] = [];
    for (let h = 0; h < heads; h++) {
      const headRows: Row[] = [];
      for (let s = 0; s < slotCount; s++) {
        const slotName = slotNames[s] ?? `parent ${s + 1}`;
        const row = document.createElement('div');
        row.className = 'rb-row';
        const label = document.createElement('span');
        label.className = 'rb-label';
        if (s === 0) {
          const headName = document.createElement('span');
          headName.className = 'rb-head';
          headName.textContent = `head ${h + 1}`;
          label.append(headName);
        }
        if (slotCount > 1) {
          const slot = document.createElement('span');
          slot.className = 'rb-slot';
          slot.textContent = slotName;
          label.append(slot);
        }
        const track = document.createElement('div');
        track.className = 'rb-track';
        track.setAttribute('role', 'meter');
        track.setAttribute('aria-valuemin', '0');
        track.setAttribute('aria-valuemax', '1');
        track.setAttribute('aria-label', slotCount > 1 ? `head ${h + 1}, ${slotName}: parent recovery` : `head ${h + 1}: parent recovery`);
        const bar = document.createElement('div');
        bar.className = 'rb-bar';
        bar.style.background = parentSlotColor(s, slotCount);
        const target = document.createElement('div');
        target.className = 'rb-target';
        target.style.left = `${RECOVERY_TARGET * 100}%`;
        track.append(bar, target);
        const value = document.createElement('span');
        value.className = 'rb-value';
        row.append(label, track, value);
        rows.push(row);
        headRows.push({ track, bar, value, row });
      }
      if (h < heads - 1) rows[rows.length - 1].classList.add('rb-head-end');
      this.rows.push(headRows);
    }
    this.rowsBox.replaceChildren(...rows);
  }
}
