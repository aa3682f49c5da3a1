// The main thread's only door to the training worker: promises for requests, events for
// snapshots, status changes and errors.
import type {
  EngineConfig,
  ProbeRequest,
  ProbeResult,
  Reply,
  Snapshot,
  Status,
  UnnumberedRequest,
} from './worker/protocol';
import { requestMessage } from './worker/protocol';

/** The part of a Worker the client uses (a real Worker, or a test harness). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Reply>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

type Listener<T> = (value: T) => void;

// Requests without their id: the client numbers them.
type Outgoing = UnnumberedRequest;

export class TrainingClient {
  private lastSpeed = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: never) => void; reject: (error: Error) => void }>();
  private readonly listeners = {
    snapshot: new Set<Listener<Snapshot>>(),
    status: new Set<Listener<Status>>(),
    error: new Set<Listener<Error>>(),
    /** The engine or the worker broke: start a new worker (replaceWorker) to go on. */
    fatal: new Set<Listener<Error>>(),
  };
  /** The last status seen, so a late subscriber can read the current state. */
  lastStatus: Status | null = null;

  private worker: WorkerLike;

  constructor(worker: WorkerLike) {
    this.worker = worker;
    this.attach(worker);
  }

  /**
   * Swaps in a new worker (after a crash, or to retry a failed load): the old one is stopped,
   * its pending requests are rejected, and listeners stay subscribed. Send init again.
   */
  replaceWorker(worker: WorkerLike): void {
    const old = this.worker;
    this.worker = worker;
    old.terminate();
    this.rejectPending(new Error('the training worker was restarted'));
    this.lastStatus = null;
    this.attach(worker);
  }

  private attach(worker: WorkerLike): void {
    worker.addEventListener('message', (event) => {
      if (worker === this.worker) this.receive(event.data);
    });
    worker.addEventListener('error', (event) => {
      if (worker !== this.worker) return;
      event.preventDefault?.();
      const error = new Error(
        event.message
          ? `the training worker failed: ${event.message.replace(/^Uncaught /, '')}`
          : 'the training worker could not start (its script did not load)',
      );
      this.rejectPending(error);
      this.emit('fatal', error);
    });
  }

  private rejectPending(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  init(simd?: boolean): Promise<Status> {
    return this.request({ type: 'init', simd });
  }
  configure(config: EngineConfig): Promise<Status> {
    return this.request({ type: 'configure', config });
  }
  play(): Promise<Status> {
    return this.request({ type: 'play' });
  }
  pause(): Promise<Status> {
    return this.request({ type: 'pause' });
  }
  step(n = 1): Promise<Status> {
    return this.request({ type: 'step', n });
  }
  reset(seed?: number): Promise<Status> {
    return this.request({ type: 'reset', seed });
  }
  /** Asks the worker to train at most `stepsPerSecond` steps a second (0: as fast as it can). */
  setSpeed(stepsPerSecond: number): Promise<Status> {
    this.lastSpeed = stepsPerSecond;
    return this.request({ type: 'setSpeed', stepsPerSecond });
  }
  /** The speed limit last asked for (0: none): the auto pace's, or the slider's. */
  get speedLimit(): number {
    return this.lastSpeed;
  }
  resample(): Promise<Status> {
    return this.request({ type: 'resample' });
  }
  /** Changes live settings of the running run, e.g. {lr: 0.01}; rejects, naming the field, for any other. */
  update(changes: EngineConfig): Promise<Status> {
    return this.request({ type: 'update', changes });
  }
  /** Plays until exactly `step` steps are trained, then pauses. */
  runTo(step: number): Promise<Status> {
    return this.request({ type: 'runTo', step });
  }
  /** An intervention now, e.g. "ablate=1:1" (see protocol.ts); a fresh snapshot follows. */
  intervene(action: string): Promise<Status> {
    return this.request({ type: 'intervene', action });
  }
  /** The out-of-distribution probe of the current model (computed in the worker). */
  async probe(probe: ProbeRequest): Promise<ProbeResult> {
    const reply = await this.request<{ type: 'probe'; result: ProbeResult }>({ type: 'probe', ...probe });
    return reply.result;
  }

  on(type: 'snapshot', listener: Listener<Snapshot>): () => void;
  on(type: 'status', listener: Listener<Status>): () => void;
  on(type: 'error', listener: Listener<Error>): () => void;
  on(type: 'fatal', listener: Listener<Error>): () => void;
  on(type: keyof TrainingClient['listeners'], listener: Listener<never>): () => void {
    const set = this.listeners[type] as Set<Listener<never>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  terminate(): void {
    this.worker.terminate();
    this.rejectPending(new Error('the training worker was stopped'));
  }

  private request<R = Status>(message: Outgoing): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (reply: never) => void, reject });
      const envelope = requestMessage(message, id);
      this.worker.postMessage(envelope.message, envelope.transfer);
    });
  }

  private receive(reply: Reply): void {
    if (reply.type === 'snapshot') return this.emit('snapshot', reply.snapshot);
    const waiting = reply.id !== undefined ? this.pending.get(reply.id) : undefined;
    if (waiting && reply.id !== undefined) this.pending.delete(reply.id);
    if (reply.type === 'probe') {
      waiting?.resolve(reply as never);
      return;
    }
    if (reply.type === 'status') {
      this.lastStatus = reply;
      waiting?.resolve(reply as never);
      this.emit('status', reply);
      return;
    }
    const error = new Error(reply.message);
    if (reply.fatal) {
      // The engine cannot be trusted any more: every request still waiting fails with it.
      waiting?.reject(error);
      this.rejectPending(error);
      this.emit('fatal', error);
    } else if (waiting) waiting.reject(error);
    else this.emit('error', error);
  }

  private emit<K extends keyof TrainingClient['listeners']>(
    type: K,
    value: Snapshot | Status | Error,
  ): void {
    for (const listener of this.listeners[type]) (listener as Listener<typeof value>)(value);
  }
}
