import type { TraceSample } from './types.js';

/**
 * Averages raw rows onto a regular grid of `intervalSeconds` (slot = floor(t / interval)). Bitbrains files repeat
 * timestamps and drift between 0 and 300 s apart, so a model that assumes "one row = five minutes" would see time
 * warp; slotting fixes that. Rows may arrive in any order; the result is sorted.
 */
export class GridResampler {
  private readonly slots = new Map<number, { cpu: number; memory: number; network: number; n: number }>();

  constructor(readonly intervalSeconds: number) {
    if (!(intervalSeconds > 0)) throw new RangeError(`intervalSeconds must be > 0, got ${intervalSeconds}`);
  }

  add(atMs: number, cpu: number, memory: number, network: number): void {
    const slot = Math.floor(atMs / 1000 / this.intervalSeconds);
    const acc = this.slots.get(slot);
    if (acc) {
      acc.cpu += cpu;
      acc.memory += memory;
      acc.network += network;
      acc.n += 1;
    } else {
      this.slots.set(slot, { cpu, memory, network, n: 1 });
    }
  }

  samples(): TraceSample[] {
    const out: TraceSample[] = [];
    for (const [slot, acc] of this.slots) {
      out.push({
        at: slot * this.intervalSeconds * 1000,
        cpu: acc.cpu / acc.n,
        memory: acc.memory / acc.n,
        network: acc.network / acc.n,
      });
    }
    return out.sort((a, b) => a.at - b.at);
  }
}
