/** Timing helpers shared by the in-process benchmarks (model, train-step). */

export interface Timed {
  wall: number[];
  /** Process CPU time (user + system) over all timed rounds, ms: steadier than wall time on a shared machine. */
  cpuMs: number;
}

export function stats({ wall, cpuMs }: Timed): { medianMs: number; p95Ms: number; maxMs: number; cpuMsPerRound: number } {
  const s = [...wall].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return {
    medianMs: Number(at(0.5).toFixed(3)),
    p95Ms: Number(at(0.95).toFixed(3)),
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
