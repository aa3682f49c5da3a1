// Keeps the page operable whatever the worker says: used by the playground and the embed page.
//
// - A refused configuration never leaves the page without a run: at start it falls back to the
//   default settings and says which value was refused; later, the previous run stays.
// - Runs are configured one at a time, and a burst of requests (ten Resets in 50 ms) collapses
//   into the first and the last: the state shown follows the worker's status messages.
// - A dead engine or worker (a trap, out of memory, a crash, a script that did not load) is
//   replaced by a new worker, and the page is told in words, with what it can offer next.
import type { TrainingClient, WorkerLike } from './client';
import type { EngineConfig, Status } from './worker/protocol';

/** Longest text the page echoes back (a value, a notice, an error). */
export const MAX_ECHO = 300;

/** `text` cut to `max` characters, marked with an ellipsis when cut. */
export function clip(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The notices of a parsed link, with the unknown keys collapsed into one notice when there are
 * more than `max` of them (a link with hundreds of stray keys gives one line, not hundreds).
 */
export function collapseNotices(notices: readonly string[], max = 3): string[] {
  const unknown = notices.filter((text) => / is not a setting \(known: /.test(text));
  const rest = notices.filter((text) => !unknown.includes(text));
  if (unknown.length <= max) return notices.map((text) => clip(text));
  const keys = unknown.map((text) => text.slice(0, text.indexOf('=')));
  const known = unknown[0].slice(unknown[0].indexOf('(known: '));
  const listed = keys.slice(0, max).join(', ');
  return [
    clip(`${unknown.length} keys in the link are not settings and were ignored: ${listed}, … ${known}`, 2 * MAX_ECHO),
    ...rest.slice(0, max).map((text) => clip(text)),
    ...(rest.length > max ? [`${rest.length - max} more values in the link were ignored`] : []),
  ];
}

/** The setting keys a refusal names (the engine's messages start with the field, e.g. "k must be..."). */
export function refusedFields(message: string, keys: readonly string[]): string[] {
  const text = message.replace(/^The link's settings were refused: /, '');
  if (/^model too large|^S=\d+, T=\d+, heads=.* is too large/.test(text)) return ['heads'];
  const first = /^([A-Za-z_]+)\s*(?:=|:|must|is|has|needs)/.exec(text)?.[1];
  if (first && keys.includes(first)) return [first];
  if (/^init=lemma/.test(text)) return ['heads'];
  if (/^(graph|custom|parent|position)\b/i.test(text) && keys.includes('spec')) return ['spec'];
  return [];
}

/** Words for a failure to load the worker or the engine (never a raw CompileError). */
export function describeStartFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/CompileError|LinkError|failed to fetch|NetworkError|Failed to fetch|could not start|did not load|Importing a module script failed|dynamically imported module/i.test(text))
    return 'The training engine could not be loaded (the download failed or the file is damaged). Check the connection and press Retry.';
  return `The training engine could not start: ${clip(text)}. Press Retry to try again.`;
}

export type Outcome = { ok: true; status: Status } | { ok: false; error: string } | { ok: 'superseded' };

export interface RunGuardOptions<S> {
  client: TrainingClient;
  /** A fresh training worker (after a crash, or to retry a failed load). */
  createWorker: () => WorkerLike;
  toConfig: (settings: S) => EngineConfig;
  /** Steps per second to set after each configure. */
  speed: () => number;
  /** The worker or its engine died; a new worker is being started. */
  onCrash?: (message: string) => void;
  /** The new worker is ready (after onCrash); `settings` is the last good run's, to offer to resume. */
  onRestarted?: (settings: S | null) => void;
  /** Loading a new worker failed too: offer a Retry (retryStart). */
  onStartFailed?: (message: string) => void;
  /** Most automatic restarts within a minute before it waits for a Retry (default 3). */
  maxRestartsPerMinute?: number;
}

export class RunGuard<S> {
  private chain: Promise<unknown> = Promise.resolve();
  private ticket = 0;
  private lastGood: S | null = null;
  private restarts: number[] = [];
  private restarting = false;
  /** An engine has loaded: before that, a failure is start()'s to report (with a Retry). */
  private loaded = false;
  private readonly client: TrainingClient;

  constructor(private readonly options: RunGuardOptions<S>) {
    this.client = options.client;
    this.client.on('fatal', (error) => void this.recover(error));
  }

  /** The settings of the last run the engine accepted. */
  get good(): S | null {
    return this.lastGood;
  }

  /**
   * Loads the engine and configures `settings`; when refused, configures `fallback` instead and
   * reports the refusal. Throws only when the engine cannot be loaded.
   */
  async start(wanted: S | (() => S), fallback: S): Promise<{ settings: S; refused: string | null }> {
    await this.client.init();
    this.loaded = true;
    // Read after the engine loaded: the visitor may have picked a preset meanwhile.
    const settings = typeof wanted === 'function' ? (wanted as () => S)() : wanted;
    const first = await this.configure(settings);
    // Superseded: a newer request (a preset picked meanwhile) configures the run.
    if (first.ok !== false) return { settings, refused: null };
    const refused = first.ok === false ? first.error : null;
    const second = await this.configure(fallback);
    if (second.ok !== true) throw new Error(second.ok === false ? second.error : 'the start was superseded');
    return { settings: fallback, refused };
  }

  /**
   * A new run of `settings`, after every request before it. A request that a newer one supersedes
   * while it waits is skipped ({ok: 'superseded'}): a burst of Resets runs the first and the last.
   * Play resumes when the worker was playing when this run's turn came.
   */
  configure(settings: S): Promise<Outcome> {
    const ticket = ++this.ticket;
    const result = this.chain.then(async (): Promise<Outcome> => {
      if (ticket !== this.ticket) return { ok: 'superseded' };
      const wasPlaying = this.client.lastStatus?.state === 'playing';
      try {
        const status = await this.client.configure(this.options.toConfig(settings));
        this.lastGood = settings;
        await this.client.setSpeed(this.options.speed());
        if (wasPlaying) await this.client.play();
        return { ok: true, status };
      } catch (error) {
        return { ok: false, error: clip((error as Error).message) };
      }
    });
    this.chain = result;
    return result;
  }

  /** Starts a new worker and loads its engine (after a failed load: the Retry button). */
  async retryStart(wanted: S | (() => S), fallback: S): Promise<{ settings: S; refused: string | null }> {
    this.loaded = false;
    this.client.replaceWorker(this.options.createWorker());
    return this.start(wanted, fallback);
  }

  private async recover(error: Error): Promise<void> {
    if (this.restarting || !this.loaded) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((time) => now - time < 60_000);
    const message = clip(error.message);
    if (this.restarts.length >= (this.options.maxRestartsPerMinute ?? 3)) {
      this.options.onStartFailed?.(`The training engine keeps failing (${message}). Press Retry to start it again.`);
      return;
    }
    this.restarts.push(now);
    this.restarting = true;
    this.options.onCrash?.(`The training engine stopped: ${message}. Starting a new one…`);
    try {
      this.client.replaceWorker(this.options.createWorker());
      await this.client.init();
      this.options.onRestarted?.(this.lastGood);
    } catch (failure) {
      this.options.onStartFailed?.(describeStartFailure(failure));
    } finally {
      this.restarting = false;
    }
  }
}
