/** Timing helpers shared by the in-process benchmarks (model, train-step, engine, rounds). */

export interface Timed {
  wall: number[];
  /** Process CPU time (user + system) over all timed rounds, ms: steadier than wall time on a shared machine. */
  cpuMs: number;
}

/** The upper median (the middle element of an odd count, the higher middle of an even one): every bench's median. */
export function median(xs: readonly number[]): number {
  return quantileOf([...xs].sort((a, b) => a - b), 0.5);
}

/** Element ⌊q·n⌋ of an ascending array (capped at the last). */
function quantileOf(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function stats({ wall, cpuMs }: Timed): { medianMs: number; p95Ms: number; maxMs: number; cpuMsPerRound: number } {
  const s = [...wall].sort((a, b) => a - b);
  return {
    medianMs: Number(quantileOf(s, 0.5).toFixed(3)),
    p95Ms: Number(quantileOf(s, 0.95).toFixed(3)),
    maxMs: Number(s[s.length - 1]!.toFixed(3)),
    cpuMsPerRound: Number((cpuMs / wall.length).toFixed(3)),
  };
}

export function time(rounds: number, run: () => void): Timed {
  for (let i = 0; i < 3; i++) run();
  const wall: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    run();
    wall.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpuMs: (cpu.user + cpu.system) / 1000 };
}
