// The guided first visit: three numbered callouts (the hidden graph, press Play, watch the
// outlined cells light up), placed by the elements they point at. Dismissed once, they stay
// away (localStorage) until the "?" button brings them back.

interface TourStep {
  /** The element the callout points at. */
  anchor: () => Element | null;
  text: string;
  /** Where on the anchor the callout's corner goes (fractions of its box). */
  at: [number, number];
}

const STORAGE_KEY = 'causal-playground:tour-dismissed';

export class Tour {
  private readonly callouts: HTMLElement[] = [];
  private shown = false;

  constructor(
    private readonly steps: TourStep[],
    private readonly helpButton: HTMLButtonElement,
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

  /** Puts each callout on its anchor (document coordinates, so it scrolls with the page). */
  place(): void {
    this.callouts.forEach((callout, k) => {
      const anchor = this.steps[k].anchor();
      const box = anchor?.getBoundingClientRect();
      if (!box || box.width === 0) {
        callout.hidden = true;
        return;
      }
      callout.hidden = false;
      const [fx, fy] = this.steps[k].at;
      // An anchor fixed on screen (the floating Play on a phone): the callout goes just above it.
      const fixed = anchor instanceof HTMLElement && getComputedStyle(anchor).position === 'fixed';
      const x = fixed ? box.right - callout.offsetWidth : box.left + fx * box.width;
      const y = fixed ? box.top - callout.offsetHeight - 8 : box.top + fy * box.height;
      const left = Math.min(x, document.documentElement.clientWidth - callout.offsetWidth - 8);
      callout.style.position = fixed ? 'fixed' : 'absolute';
      callout.style.left = `${Math.max(8, left + (fixed ? 0 : window.scrollX))}px`;
      callout.style.top = `${y + (fixed ? 0 : window.scrollY)}px`;
    });
  }
}
