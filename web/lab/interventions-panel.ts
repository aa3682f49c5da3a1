// Interventions on the live run: ablate a head (zero its output, or make its attention uniform),
// freeze blocks, knock out the first layer's parent entries or its whole position block, and run
// to an exact step. Every intervention goes to the worker as one `intervene` request; the
// worker re-evaluates at once and lists the run's interventions in every snapshot, so the
// toggles show what the engine did, not what was clicked.
import type { TrainingClient } from '../client';
import type { Intervention, ResolvedConfig, Snapshot } from '../worker/protocol';
import { el, showFieldError } from './dom';

/** Replays a run's interventions: the heads ablated now ("L:H" -> mode). */
export function ablatedHeads(events: readonly Intervention[]): Map<string, 'zero' | 'uniform'> {
  const ablated = new Map<string, 'zero' | 'uniform'>();
  for (const { action } of events) {
    const [verb, target, mode] = action.split(' ');
    if (verb === 'ablate') ablated.set(target, mode === 'uniform' ? 'uniform' : 'zero');
    else if (verb === 'restore') ablated.delete(target);
  }
  return ablated;
}

/** The step "Run to step" offers: the next multiple of 1000 after `step`. */
export function nextRoundStep(step: number): number {
  return (Math.floor(step / 1000) + 1) * 1000;
}

export class InterventionsPanel {
  readonly element: HTMLElement;
  private readonly heads = el('div', { class: 'lab-heads' });
  private readonly freeze = el('div', { class: 'lab-freeze', role: 'group', 'aria-label': 'Freeze blocks' });
  private readonly mode = el('select', { id: 'lab-ablate-mode', 'data-testid': 'ablate-mode' },
    el('option', { value: 'zero', text: 'zero its output' }), el('option', { value: 'uniform', text: 'uniform attention' }));
  private readonly runToInput = el('input', { id: 'lab-run-to', 'data-testid': 'run-to-step', inputmode: 'numeric', value: '1000', size: '8' });
  private readonly error = el('p', { class: 'field-error', role: 'alert' });
  private readonly log = el('ol', { class: 'lab-log', 'data-testid': 'intervention-log' });
  private readonly modelNote = el('p', { class: 'explain', text: 'Ablations and knock-outs act on the CatFormer’s blocks; the standard transformer mixes its heads through V and the MLPs, so only freezing and Run to step apply to it.' });
  private shapeKey = '';
  private config: ResolvedConfig | null = null;
  private ablated = new Map<string, 'zero' | 'uniform'>();
  private busy = false;
  /** The visitor typed a step: "Run to step" keeps it rather than following the run. */
  private runToEdited = false;

  constructor(private readonly client: TrainingClient) {
    this.error.hidden = true;
    const runTo = el('button', { type: 'button', 'data-testid': 'run-to', text: 'Run to step' });
    runTo.addEventListener('click', () => void this.runTo());
    this.runToInput.addEventListener('input', () => (this.runToEdited = true));
    const knockParents = el('button', { type: 'button', class: 'small', 'data-testid': 'knockout-parents', text: 'Zero the parent cells of A₁' });
    const knockPosition = el('button', { type: 'button', class: 'small', 'data-testid': 'knockout-position', text: 'Zero A₁’s whole position block' });
    knockParents.addEventListener('click', () => void this.send('knockout=parents'));
    knockPosition.addEventListener('click', () => void this.send('knockout=position'));
    this.element = el(
      'div',
      { class: 'lab-interventions' },
      el('h3', { text: 'Intervene' }),
      el('p', { class: 'explain', text: 'Ablate a head, freeze a block or edit a weight, while training or paused. Paused, the test loss is re-evaluated at once; playing, the run trains on with the change. Each intervention is marked on the loss chart.' }),
      el('div', { class: 'lab-row' }, el('label', { for: 'lab-ablate-mode', text: 'Ablation' }), this.mode),
      this.modelNote,
      this.heads,
      this.freeze,
      el('div', { class: 'lab-row' }, knockParents, knockPosition),
      el('div', { class: 'lab-row' }, el('label', { for: 'lab-run-to', text: 'Stop exactly at step' }), this.runToInput, runTo),
      this.error,
      el('h4', { text: 'This run’s interventions' }),
      this.log,
    );
  }

  /** The run's config (from the worker's status): rebuilds the toggles when the model's shape changes. */
  setConfig(config: ResolvedConfig | null): void {
    this.config = config;
    if (!config) return;
    const key = `${config.heads.join(',')}`;
    if (key === this.shapeKey) return this.render();
    this.shapeKey = key;
    this.heads.replaceChildren(
      ...config.heads.map((count, l) =>
        el('div', { class: 'lab-row', role: 'group', 'aria-label': `Layer ${l + 1} heads` },
          el('span', { class: 'lab-label', text: `Layer ${l + 1}` }),
          ...Array.from({ length: count }, (_, h) => {
            const button = el('button', { type: 'button', class: 'small head-toggle', 'data-testid': `ablate-${l + 1}-${h + 1}`, 'aria-pressed': 'false' });
            button.addEventListener('click', () => void this.toggleHead(l + 1, h + 1));
            return button;
          })),
      ),
    );
    const blocks = [...config.heads.map((_, l) => `A${l + 1}`), 'W'];
    this.freeze.replaceChildren(
      el('span', { class: 'lab-label', text: 'Freeze' }),
      ...blocks.map((block) => {
        const box = el('input', { type: 'checkbox', id: `lab-freeze-${block}`, 'data-testid': `freeze-${block}` });
        box.addEventListener('change', () => void this.sendFreeze());
        return el('label', { class: 'lab-check', for: `lab-freeze-${block}` }, box, ` ${block}`);
      }),
    );
    this.render();
  }

  /** The latest snapshot: what the engine holds now. */
  update(snapshot: Snapshot): void {
    this.ablated = ablatedHeads(snapshot.interventions ?? []);
    const events = snapshot.interventions ?? [];
    this.log.replaceChildren(
      ...(events.length > 0
        ? events.map((event) => el('li', { text: `step ${event.step.toLocaleString('en-US')}: ${event.action}` }))
        : [el('li', { class: 'lab-empty', text: 'None yet: each ablation, freeze or knock-out is listed here with its step.' })]),
    );
    // Until the visitor types one, the step offered is the next thousand ahead of the run.
    if (!this.runToEdited) this.runToInput.value = String(nextRoundStep(snapshot.step));
    this.render();
  }

  private render(): void {
    for (const button of this.heads.querySelectorAll<HTMLButtonElement>('button[data-testid^="ablate-"]')) {
      const [, layer, head] = button.dataset.testid!.split('-');
      const mode = this.ablated.get(`${layer}:${head}`);
      button.setAttribute('aria-pressed', String(mode !== undefined));
      button.textContent = mode ? `head ${head}: ablated (${mode})` : `head ${head}: on`;
      button.disabled = this.busy || !this.catformer();
    }
    this.modelNote.hidden = this.catformer();
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('button[data-testid^="knockout-"]')) button.disabled = !this.catformer();
    // The engine's config follows live freezes: the boxes show what it holds (once it answered).
    if (this.busy) return;
    const frozen = new Set(this.config?.freeze ?? []);
    for (const box of this.freeze.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) {
      box.checked = frozen.has(box.dataset.testid!.replace('freeze-', ''));
    }
  }

  private catformer(): boolean {
    return (this.config as { model?: string } | null)?.model !== 'standard';
  }

  private async toggleHead(layer: number, head: number): Promise<void> {
    const ablated = this.ablated.has(`${layer}:${head}`);
    await this.send(ablated ? `restore=${layer}:${head}` : `ablate=${layer}:${head}:${this.mode.value}`);
  }

  private async sendFreeze(): Promise<void> {
    const blocks = [...this.freeze.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')]
      .filter((box) => box.checked)
      .map((box) => box.dataset.testid!.replace('freeze-', ''));
    await this.send(`freeze=${blocks.length > 0 ? blocks.join('+') : 'none'}`);
  }

  private async runTo(): Promise<void> {
    const step = Number(this.runToInput.value.trim());
    if (!Number.isInteger(step) || step < 0 || step > 100_000_000) {
      showFieldError(this.error, `step must be an integer in [0, 100000000] (got ${this.runToInput.value.slice(0, 40)})`);
      return;
    }
    try {
      showFieldError(this.error, '');
      await this.client.runTo(step);
    } catch (error) {
      showFieldError(this.error, (error as Error).message);
    }
  }

  private async send(action: string): Promise<void> {
    this.busy = true;
    this.render();
    try {
      showFieldError(this.error, '');
      await this.client.intervene(action);
    } catch (error) {
      showFieldError(this.error, (error as Error).message);
    } finally {
      this.busy = false;
      this.render();
    }
  }
}
