/**
 * The bid stream: workloads arriving over the horizon, generated once per run from the scenario and the seed, and
 * replayed identically to every policy.
 *
 * - Arrivals: a Poisson process with a daily sine rate, sampled by thinning (Lewis and Shedler, 1979):
 *   rate(t) = mean × (1 + A · sin(2π (h(t) − peakHour + 6) / 24)), h(t) the hour of day, so the peak is at peakHour.
 * - True usage: a real VM trace (Bitbrains, or PlanetLab for `planetLabShare` of bids), shifted by whole days.
 * - Declared profile: from the trace's history before the submission (declaredProfile.ts).
 * - Value: the reserve price of the declared peak × a log-normal markup (per priority class); the bid price is the
 *   value (truthful clients; the truthfulness check measures what shading would gain).
 */
import type { Penalty, PriorityClass } from '../market/types.js';
import { postedPrice, type UnitPrices } from './policies/postedPrice.js';
import { declareFromHistory } from './declaredProfile.js';
import { SimRandom } from './random.js';
import type { Scenario } from './scenario.js';
import type { TraceVm } from './traceVm.js';
import type { Workload } from './workload.js';

export interface TraceLibrary {
  bitbrains: readonly TraceVm[];
  planetLab: readonly TraceVm[];
}

/** Reference memory per busy core (MiB) for memory intensity 1: 4 GiB per core, a general-purpose VM's ratio. */
const REFERENCE_MIB_PER_CORE = 4096;
/** Number of distinct clients; bids are spread over them so priority reductions follow a client across bids. */
const CLIENTS = 50;
const HOUR_MS = 3_600_000;

export function arrivalRate(scenario: Scenario, at: number): number {
  const { meanPerHour, diurnalAmplitude, peakHour } = scenario.arrivals;
  const hour = ((at - scenario.startAt) / HOUR_MS) % 24;
  return meanPerHour * (1 + diurnalAmplitude * Math.sin((2 * Math.PI * (hour - peakHour + 6)) / 24));
}

/** Arrival times (epoch ms) over the horizon by thinning a homogeneous process at the peak rate. */
export function arrivalTimes(scenario: Scenario, rng: SimRandom): number[] {
  const peakRate = scenario.arrivals.meanPerHour * (1 + scenario.arrivals.diurnalAmplitude);
  const end = scenario.startAt + scenario.durationHours * HOUR_MS;
  const times: number[] = [];
  let t = scenario.startAt;
  for (;;) {
    t += rng.exponential(HOUR_MS / peakRate);
    if (t >= end) return times;
    if (rng.next() * peakRate < arrivalRate(scenario, t)) times.push(Math.round(t));
  }
}

function memoryIntensity(vm: TraceVm): number {
  let cpu = 0;
  let memory = 0;
  for (let i = 0; i < vm.cpu.length; i++) {
    cpu += vm.cpu[i]!;
    memory += vm.memory[i]!;
  }
  if (cpu <= 0) return 1;
  return memory / cpu / REFERENCE_MIB_PER_CORE;
}

export function generateWorkloads(
  scenario: Scenario,
  library: TraceLibrary,
  reserveUnitPrices: UnitPrices,
  seed: number = scenario.seed,
): Workload[] {
  if (library.bitbrains.length === 0 && library.planetLab.length === 0) {
    throw new Error('bid stream: the trace library is empty');
  }
  const rng = new SimRandom(seed);
  const stepMs = scenario.stepSeconds * 1000;
  const stepsPerDay = Math.round(86_400 / scenario.stepSeconds);
  const historySteps = Math.round((scenario.declarationHistoryHours * 3600) / scenario.stepSeconds);
  return arrivalTimes(scenario, rng).map((submittedAt, index): Workload => {
    const usePlanetLab = library.planetLab.length > 0 && (library.bitbrains.length === 0 || rng.next() < scenario.planetLabShare);
    const pool = usePlanetLab ? library.planetLab : library.bitbrains;
    const vm = pool[rng.int(pool.length)]!;
    const traceDays = Math.max(1, Math.floor(vm.cpu.length / stepsPerDay));
    const traceShift = rng.int(traceDays) * stepsPerDay;
    const submitStep = Math.floor((submittedAt - scenario.startAt) / stepMs);
    const declared = declareFromHistory(vm, traceShift + submitStep, historySteps, scenario.declaredPeakQuantile);
    const priority = rng.weighted<PriorityClass>(scenario.priorityMix);
    const contract = scenario.contracts[priority];
    const runtimeHours = Math.min(
      scenario.runtimeHours.max,
      Math.max(scenario.runtimeHours.min, rng.logNormal(scenario.runtimeHours.median, scenario.runtimeHours.sigma)),
    );
    const markup = rng.logNormal(scenario.valueMarkup.median[priority], scenario.valueMarkup.sigma);
    const valuePerHour = postedPrice(declared, reserveUnitPrices) * markup;
    const penalty: Penalty | null =
      contract.uninterruptible || contract.priorityReduction > 0
        ? { fee: contract.uninterruptible ? contract.feeHours * valuePerHour : 0, priorityReduction: contract.priorityReduction }
        : null;
    const id = `w${index}`;
    return {
      id,
      clientId: `client-${index % CLIENTS}`,
      vm,
      traceShift,
      submittedAt,
      runtimeSeconds: runtimeHours * 3600,
      valuePerHour,
      priority,
      latencySensitive: scenario.latencySensitive.includes(priority),
      contract,
      memoryIntensity: memoryIntensity(vm),
      maxWaitSeconds: scenario.maxWaitHours * 3600,
      profile: {
        name: `${id}:${vm.id}`,
        ...declared,
        interruptibility: {
          maxInterruptionsPerDay: contract.maxInterruptionsPerDay,
          maxInterruptionSeconds: contract.maxInterruptionSeconds,
          minNoticeSeconds: contract.minNoticeSeconds,
        },
        priority,
        expectedRuntimeSeconds: runtimeHours * 3600,
      },
      penalty,
    };
  });
}
