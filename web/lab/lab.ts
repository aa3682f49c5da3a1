// The lab: the page's instruments beyond watching. Compare runs side by side, intervene on the
// live run (ablate, freeze, edit weights, run to a step), and probe the trained model out of
// distribution. Each panel talks to the worker through the playground's client (compared runs
// have clients of their own); none of them calls the engine directly.
import type { TrainingClient } from '../client';
import type { Settings } from '../settings';
import type { Snapshot, Status } from '../worker/protocol';
import { Compare } from './compare';
import { InterventionsPanel } from './interventions-panel';
import { ProbePanel } from './probe-panel';
import './lab.css';

export interface LabOptions {
  client: TrainingClient;
  settings: () => Settings;
  makeWorker: () => Worker;
  /** The comparison changed: write the link again. */
  onChange: () => void;
  /** The live run's latest snapshot when the lab is made after the run started (it loads on demand). */
  current?: Snapshot | null;
  /** ...and its test losses so far. */
  mainLosses?: ReadonlyArray<{ step: number; loss: number }>;
}

export class Lab {
  private readonly compare: Compare;
  private readonly interventions: InterventionsPanel;
  private readonly probe: ProbePanel;

  constructor(container: HTMLElement, options: LabOptions) {
    this.compare = new Compare(options);
    this.interventions = new InterventionsPanel(options.client);
    this.probe = new ProbePanel(options.client);
    const card = (child: HTMLElement, id: string) => {
      const section = document.createElement('section');
      section.className = 'card';
      section.id = id;
      section.append(child);
      return section;
    };
    container.replaceChildren(
      card(this.compare.element, 'compare-card'),
      card(this.interventions.element, 'interventions-card'),
      card(this.probe.element, 'probe-card'),
    );
    const onStatus = (status: Status) => {
      this.interventions.setConfig(status.config);
      this.probe.setConfig(status.config, status.graph?.multi_parent ?? false);
    };
    options.client.on('status', onStatus);
    options.client.on('snapshot', (snapshot) => this.interventions.update(snapshot));
    // Made after the run started: what the run is now.
    if (options.client.lastStatus) onStatus(options.client.lastStatus);
    if (options.current) this.interventions.update(options.current);
  }

  /** The `vary` value of the link, or null. */
  urlValue(): string | null {
    return this.compare.urlValue();
  }

  /** Starts the comparison of a link; returns a message when the link's value is refused. */
  restoreComparison(vary: string): Promise<string | null> {
    return this.compare.restore(vary);
  }

  /** The compared runs, for the JSON export. */
  exportRuns(): unknown[] {
    return this.compare.exportRuns();
  }
}
