// What the page tells the visitor besides the figure: notices (e.g. a URL setting that was
// ignored), a short-lived cue (e.g. "training restarted"), and the error banner. Used by the
// playground and the embed page. Everything shown is clipped (run-guard.ts's clip): a page
// never echoes a 10 kB value back.
import { clip } from './run-guard';

export class Messages {
  private cueTimer = 0;

  constructor(private readonly elements: { notices: HTMLElement; error: HTMLElement }) {}

  /** A notice that stays until dismissed (or for good, when it has no close button). */
  notice(text: string, dismissible = true): void {
    const item = document.createElement('p');
    item.className = 'notice';
    item.dataset.testid = 'notice';
    item.textContent = clip(text, 2 * 300);
    if (dismissible) {
      const close = document.createElement('button');
      close.type = 'button';
      close.className = 'close';
      close.setAttribute('aria-label', 'Dismiss');
      close.textContent = '×';
      close.addEventListener('click', () => item.remove());
      item.append(close);
    }
    this.elements.notices.append(item);
  }

  /** A short message at the bottom of the window, gone after a few seconds. */
  cue(text: string): void {
    let cue = document.getElementById('cue');
    if (!cue) {
      cue = document.createElement('div');
      cue.id = 'cue';
      cue.className = 'cue';
      cue.setAttribute('role', 'status');
      document.body.append(cue);
    }
    cue.textContent = clip(text);
    cue.classList.add('visible');
    clearTimeout(this.cueTimer);
    this.cueTimer = window.setTimeout(() => cue?.classList.remove('visible'), 3500);
  }

  /**
   * The error banner; `diverged` styles it as a stopped run; `action` adds a button (e.g. Retry,
   * Resume). The banner scrolls into view, where the visitor looks.
   */
  showError(text: string, diverged = false, action?: { label: string; run: () => void }): void {
    const banner = this.elements.error;
    banner.textContent = clip(text, 2 * 300);
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'banner-action';
      button.dataset.testid = 'error-action';
      button.textContent = action.label;
      button.addEventListener('click', () => action.run());
      banner.append(' ', button);
    }
    banner.classList.toggle('diverged', diverged);
    const wasHidden = banner.hidden;
    banner.hidden = false;
    if (wasHidden || action) banner.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }

  /** Runs `action`; a failure shows in the error banner instead of escaping. */
  async attempt(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.showError((error as Error).message);
    }
  }

  clearError(): void {
    this.elements.error.hidden = true;
  }
}
