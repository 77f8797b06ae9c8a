/**
 * A binary min-heap of timed events. Ties break on a kind rank and then on insertion order, so the order of events
 * (and so a whole run) is fully determined by their times and the order they were scheduled in.
 */
export interface TimedEvent<K extends string> {
  at: number;
  kind: K;
  /** Lower runs first among events at the same time. */
  rank: number;
}

interface Entry<E> {
  event: E;
  seq: number;
}

export class EventQueue<K extends string, E extends TimedEvent<K>> {
  private readonly heap: Entry<E>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(event: E): void {
    this.heap.push({ event, seq: this.seq++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): E | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.before(l, m)) m = l;
        if (r < this.heap.length && this.before(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.event;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return (x.event.at - y.event.at || x.event.rank - y.event.rank || x.seq - y.seq) < 0;
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }
}
