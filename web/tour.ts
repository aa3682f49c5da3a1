// The guided first visit: three numbered callouts (the hidden graph, press Play, watch the
// outlined cells light up), placed by the elements they point at. Each goes once what it is about
// has happened (done: Play pressed, the graph found), so none lingers over the figure while the
// run trains. Dismissed, or all done, they stay away (localStorage) until the "?" button brings
// them back. They go beside their anchors, never over each other, the thing they point at, or a
// control (placeCallouts).

interface TourStep {
  /** The event (a name given to done()) after which the callout has served: 'play', 'found'. */
  until?: string;
  /** The element the callout points at. */
  anchor: () => Element | null;
  text: string;
  /** Where on the anchor the callout's corner goes (fractions of its box). */
  at: [number, number];
}

const STORAGE_KEY = 'causal-playground:tour-dismissed';
/** At or below this viewport width the page is in its phone layout (styles.css: the floating Play). */
export const PHONE_WIDTH = 820;
const GAP = 8;
/** How far below its anchor a callout moved past the controls in its way may go (css px). */
const NEAR = 120;

/** A box in document coordinates (css px). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface CalloutRequest {
  /** The anchor's box, in document coordinates. */
  anchor: Box;
  /** The callout's size. */
  width: number;
  height: number;
  /** The anchor stays put on screen (position: fixed): so does its callout. */
  fixed: boolean;
  /** Where the callout would go on a wide screen (its top-left corner). */
  preferred: { left: number; top: number };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/**
 * Where each callout goes (document coordinates): never over its own anchor, another callout or
 * a control (`keepClear`: the buttons, pills and inputs a visitor may want while reading), and if
 * it can, over no other anchor either. Wide screens: at its preferred corner when that is clear,
 * else beside the anchor (right, left, below, above) at the preferred height. Phones: beside its
 * anchor (left of a fixed one, below, above). Fixed callouts are placed first (they cannot move
 * with the page). Where no spot is clear of everything, the order of fallbacks is in the code.
 */
export function placeCallouts(requests: readonly CalloutRequest[], viewportWidth: number, phone: boolean, keepClear: readonly Box[] = []): Box[] {
  const clampX = (x: number, width: number) => Math.max(GAP, Math.min(x, viewportWidth - width - GAP));
  const placed: (Box | null)[] = requests.map(() => null);
  const order = requests.map((_, k) => k).sort((a, b) => Number(requests[b].fixed) - Number(requests[a].fixed));
  for (const k of order) {
    const { anchor, width, height, fixed, preferred } = requests[k];
    const others = placed.filter((box): box is Box => box !== null);
    const box = (left: number, top: number): Box => ({ left: clampX(left, width), top: Math.max(0, top), width, height });
    // Beside the anchor horizontally: only where it fits on the page as it is (no clamping back over the anchor).
    const beside = (left: number): Box[] =>
      left >= GAP && left + width <= viewportWidth - GAP ? [{ left, top: Math.max(0, preferred.top), width, height }] : [];
    const candidates: Box[] = [];
    if (fixed) candidates.push(box(anchor.left - width - GAP, anchor.top + anchor.height - height));
    if (!phone) {
      candidates.push(box(preferred.left, preferred.top));
      candidates.push(...beside(anchor.left + anchor.width + GAP), ...beside(anchor.left - width - GAP));
    }
    candidates.push(box(anchor.left, anchor.top + anchor.height + GAP), box(anchor.left, anchor.top - height - GAP));
    if (fixed) candidates.push(box(anchor.left + anchor.width - width, anchor.top - height - GAP));
    const otherAnchors = requests.filter((_, j) => j !== k).map((r) => r.anchor);
    // A fixed callout stays on screen over whatever scrolls under it: only its own anchor and the other callouts count.
    const controls = fixed ? [] : keepClear.filter((c) => !overlaps(c, anchor));
    const clearOf = (c: Box, boxes: readonly Box[]) => boxes.every((o) => !overlaps(c, o));
    const free = (c: Box) => c.top >= 0 && !overlaps(c, anchor) && clearOf(c, others);
    // Moved down past whatever of `boxes` is in its way, from where it would start.
    const start = phone ? box(anchor.left, anchor.top + anchor.height + GAP) : box(preferred.left, preferred.top);
    const below = (boxes: readonly Box[]) => {
      let moved = start;
      for (const other of [...boxes].sort((a, b) => a.top - b.top)) if (overlaps(moved, other)) moved = { ...moved, top: other.top + other.height + GAP };
      return moved;
    };
    // In order: clear of everything; clear of the controls; just below the controls in the way if
    // that is still near the anchor and off the other anchors; clear of the other anchors (over a
    // control: a phone's one column has no room to spare); clear of its anchor and the callouts.
    const shifted = below([...others, ...controls]);
    const near = !overlaps(shifted, anchor) && shifted.top - (anchor.top + anchor.height) <= NEAR && clearOf(shifted, otherAnchors);
    const chosen =
      candidates.find((c) => free(c) && clearOf(c, controls) && clearOf(c, otherAnchors)) ??
      candidates.find((c) => free(c) && clearOf(c, controls)) ??
      (near ? shifted : undefined) ??
      candidates.find((c) => free(c) && clearOf(c, otherAnchors)) ??
      candidates.find(free) ??
      below(others);
    placed[k] = chosen;
  }
  return placed as Box[];
}

export class Tour {
  private readonly callouts: HTMLElement[] = [];
  private shown = false;

  /**
   * @param keepClear a selector of what no callout may cover: the title and the controls (buttons, pills
   *   and inputs); the callouts' own "Got it" is left out.
   */
  constructor(
    private readonly steps: TourStep[],
    private readonly helpButton: HTMLButtonElement,
    private readonly keepClear = 'h1, button, input, select, textarea, summary, a[href]',
  ) {
    helpButton.addEventListener('click', () => (this.shown ? this.dismiss() : this.show()));
    new ResizeObserver(() => this.place()).observe(document.body);
    window.addEventListener('resize', () => this.place());
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.shown) this.dismiss();
    });
  }

  /** Shows the callouts unless a visitor dismissed them before. */
  start(): void {
    let dismissed = false;
    try {
      dismissed = localStorage.getItem(STORAGE_KEY) === '1';
    } catch {
      // storage blocked (e.g. a sandboxed frame): show them
    }
    if (!dismissed) this.show();
  }

  show(): void {
    this.remove();
    this.steps.forEach((step, k) => {
      const callout = document.createElement('div');
      callout.className = 'tour-callout';
      callout.dataset.testid = 'tour-step';
      callout.setAttribute('role', 'note');
      const number = document.createElement('span');
      number.className = 'tour-number';
      number.textContent = String(k + 1);
      const text = document.createElement('span');
      text.textContent = step.text;
      callout.append(number, text);
      if (k === this.steps.length - 1) {
        const close = document.createElement('button');
        close.type = 'button';
        close.className = 'small tour-close';
        close.dataset.testid = 'tour-dismiss';
        close.textContent = 'Got it';
        close.addEventListener('click', () => this.dismiss());
        callout.append(close);
      }
      document.body.append(callout);
      this.callouts.push(callout);
    });
    this.shown = true;
    this.helpButton.setAttribute('aria-expanded', 'true');
    this.place();
  }

  /**
   * `event` happened: the callouts waiting for it go for this showing. Once every callout has
   * gone so, the tour has been seen through and counts as dismissed.
   */
  done(event: string): void {
    let changed = false;
    this.callouts.forEach((callout, k) => {
      if (this.steps[k].until !== event || callout.dataset.done === '1') return;
      callout.dataset.done = '1';
      callout.hidden = true;
      changed = true;
    });
    if (!changed) return;
    if (this.callouts.every((callout) => callout.dataset.done === '1')) this.dismiss();
    else this.place();
  }

  dismiss(): void {
    this.remove();
    this.shown = false;
    this.helpButton.setAttribute('aria-expanded', 'false');
    try {
      localStorage.setItem(STORAGE_KEY, '1');
    } catch {
      // storage blocked: they come back on the next visit
    }
  }

  private remove(): void {
    for (const callout of this.callouts) callout.remove();
    this.callouts.length = 0;
  }

  /** Puts each callout by its anchor (document coordinates, so it scrolls with the page; a fixed anchor's stays on screen). */
  place(): void {
    const scroll = { x: window.scrollX, y: window.scrollY };
    const shown: { callout: HTMLElement; request: CalloutRequest }[] = [];
    this.callouts.forEach((callout, k) => {
      const anchor = this.steps[k].anchor();
      const rect = anchor?.getBoundingClientRect();
      if (callout.dataset.done === '1' || !anchor || !rect || rect.width === 0) {
        callout.hidden = true;
        return;
      }
      callout.hidden = false;
      const [fx, fy] = this.steps[k].at;
      // An anchor fixed on screen (the floating Play on a phone): the callout stays on screen too.
      const fixed = anchor instanceof HTMLElement && getComputedStyle(anchor).position === 'fixed';
      const box = { left: rect.left + scroll.x, top: rect.top + scroll.y, width: rect.width, height: rect.height };
      const width = callout.offsetWidth;
      const height = callout.offsetHeight;
      const preferred = fixed
        ? { left: box.left + box.width - width, top: box.top - height - GAP }
        : { left: box.left + fx * box.width, top: box.top + fy * box.height };
      shown.push({ callout, request: { anchor: box, width, height, fixed, preferred } });
    });
    const viewportWidth = document.documentElement.clientWidth;
    const keepClear: Box[] = [];
    for (const control of document.querySelectorAll(this.keepClear)) {
      if (control.closest('.tour-callout') || getComputedStyle(control).position === 'fixed') continue;
      const rect = control.getBoundingClientRect();
      if (rect.width > 0 && rect.height > 0) keepClear.push({ left: rect.left + scroll.x, top: rect.top + scroll.y, width: rect.width, height: rect.height });
    }
    const boxes = placeCallouts(shown.map((s) => s.request), viewportWidth, viewportWidth <= PHONE_WIDTH, keepClear);
    shown.forEach(({ callout, request }, k) => {
      const box = boxes[k];
      callout.style.position = request.fixed ? 'fixed' : 'absolute';
      callout.style.left = `${box.left - (request.fixed ? scroll.x : 0)}px`;
      callout.style.top = `${box.top - (request.fixed ? scroll.y : 0)}px`;
    });
  }
}
