// Parts 2, 3 and 4 of the page, loaded on demand: the paper's sections (the lemma, the figures and
// their worker pool) and the lab. Their code, and the engine's full module that the lemma and the
// recipes need, load when the visitor scrolls to within a screen of them, so a first visit
// downloads only what the stage trains with (`npm run bench:size`).
import type { TrainingClient } from './client';
import type { Lab } from './lab/lab';
import type { ScienceSections } from './science';
import type { Settings } from './settings';
import type { LiveFigure } from './views/live-figure';

export interface LazyPartsOptions {
  client: TrainingClient;
  figure: LiveFigure;
  settings: () => Settings;
  /** Where the lab lives, and the element whose nearness loads Parts 2 and 3. */
  labElement: HTMLElement;
  scienceElement: () => Element | null;
  /** The lab's comparison changed: the page's link follows. */
  onLabChange: () => void;
  showError: (text: string) => void;
}

export class LazyParts {
  /** Parts 2 and 3, once loaded. */
  science: ScienceSections | null = null;
  /** The lab (Part 4), once loaded. */
  lab: Lab | null = null;
  private scienceObserver: IntersectionObserver | null = null;
  private labLoading: Promise<Lab> | null = null;

  constructor(private readonly options: LazyPartsOptions) {}

  /** Loads Parts 2 and 3 once they are within a screen (at once where there is no IntersectionObserver). */
  loadScienceWhenNear(): void {
    if (this.science || typeof IntersectionObserver !== 'function') return void this.loadScience();
    if (this.scienceObserver) return;
    const target = this.options.scienceElement();
    if (!target) return void this.loadScience();
    this.scienceObserver = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      this.scienceObserver?.disconnect();
      void this.loadScience();
    }, { rootMargin: '100% 0px' });
    this.scienceObserver.observe(target);
  }

  /** Loads the lab once it is within a screen. */
  loadLabWhenNear(): void {
    if (typeof IntersectionObserver !== 'function') return void this.loadLab().catch(() => undefined);
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      this.loadLab().catch((error: Error) => this.options.showError(`The lab did not load (${error.message}); reload the page to try again.`));
    }, { rootMargin: '100% 0px' });
    observer.observe(this.options.labElement);
  }

  /** The lab, loading its code on first use; it picks up the run as it is now. */
  loadLab(): Promise<Lab> {
    const { client, figure, settings, labElement, onLabChange } = this.options;
    this.labLoading ??= import('./lab/lab').then(({ Lab }) => {
      this.lab = new Lab(labElement, {
        client,
        settings,
        makeWorker: () => new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' }),
        onChange: onLabChange,
        current: figure.current,
        mainLosses: figure.history.all().map((s) => ({ step: s.metrics.step, loss: s.metrics.test_loss })),
      });
      return this.lab;
    }, (error: unknown) => {
      this.labLoading = null;  // a later use tries again
      throw error;
    });
    return this.labLoading;
  }

  /** Loads Parts 2 and 3 (the lemma, the paper's figures and their worker pool) and enables them. */
  private async loadScience(): Promise<void> {
    if (this.science) return this.science.enable();
    const { client, settings } = this.options;
    try {
      const [{ ScienceSections }, { ExperimentPool, poolSize }] = await Promise.all([import('./science'), import('./experiment-pool')]);
      this.science ??= new ScienceSections(
        new ExperimentPool({
          createWorker: () => new Worker(new URL('./worker/experiment.worker.ts', import.meta.url), { type: 'module' }),
          size: poolSize(navigator.hardwareConcurrency),
          simd: () => client.lastStatus?.simd ?? undefined,
        }),
        settings,
      );
      this.science.enable();
    } catch (error) {
      this.options.showError(`Parts 2 and 3 did not load (${(error as Error).message}); reload the page to try again.`);
    }
  }
}
