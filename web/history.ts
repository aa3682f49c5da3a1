// Snapshots kept for the history scrubber. Memory stays bounded: when full, every other
// entry is dropped, so the history always spans the whole run at a coarser grain.
import type { Snapshot } from './worker/protocol';

export class SnapshotHistory {
  private entries: Snapshot[] = [];

  constructor(private readonly capacity = 400) {}

  /** Keeps a snapshot that carries parameters (an evaluated frame). */
  push(snapshot: Snapshot): void {
    const last = this.entries[this.entries.length - 1];
    if (last && last.step === snapshot.step) this.entries[this.entries.length - 1] = snapshot;
    else this.entries.push(snapshot);
    if (this.entries.length > this.capacity) this.entries = this.entries.filter((_, i) => i % 2 === 1 || i === this.entries.length - 1);
  }

  clear(): void {
    this.entries = [];
  }

  get length(): number {
    return this.entries.length;
  }

  at(index: number): Snapshot | undefined {
    return this.entries[index];
  }

  all(): readonly Snapshot[] {
    return this.entries;
  }
}
