/**
 * One experiment: generate the bid stream once, run every policy on it, check the targets and (optionally) the
 * truthfulness of each payment rule. Everything is a function of the scenario, its seed and the trace library.
 */
import { defaultEngineConfig, type EngineConfig } from '../market/index.js';
import { generateWorkloads, type TraceLibrary } from './bidStream.js';
import { offeredValue, type OfferedValue, type PolicyMetrics } from './metrics.js';
import { fifoPolicy } from './policies/fifo.js';
import { kubeLikePolicy, parleyPolicy, statisticalModels, type ParleyModels } from './policies/enginePolicies.js';
import type { Policy, PolicyName } from './policies/policy.js';
import { POLICY_NAMES } from './policies/policy.js';
import { postedPrice } from './policies/postedPrice.js';
import { priceOnlyPolicy } from './policies/priceOnly.js';
import type { Scenario } from './scenario.js';
import { runEnd, simulate, type SimulationOptions } from './simulator.js';
import { evaluateTargets, type TargetCheck } from './targets.js';
import { probeIds, shadingGain, type ShadingResult } from './truthfulness.js';
import type { InterferenceObservation } from './interferenceFeedback.js';
import type { Workload } from './workload.js';

export interface ExperimentOptions {
  policies?: readonly PolicyName[];
  /** Predictor and interference model of the full Parley policy; the statistical ones when absent. */
  parleyModels?: ParleyModels;
  engineConfig?: Partial<EngineConfig>;
  /** Hours of the stream the truthfulness runs cover (they run the stream twice per rule); 0 skips the check. */
  truthfulnessHours?: number;
  /** Every n-th workload is a shading probe. */
  probeEvery?: number;
  shadeFactor?: number;
  onProgress?: (message: string) => void;
  /** Receives interference observations from the `observePolicy` run (see interferenceFeedback.ts). */
  observe?: (observations: InterferenceObservation[]) => void;
  observeEverySteps?: number;
  /** Whose feedback `observe` receives; parleyStatistical by default. */
  observePolicy?: PolicyName;
}

export interface ExperimentResult extends StreamHeader {
  /** The engine config overrides the Parley policies ran with ({} = the engine's defaults). */
  engineConfig: Partial<EngineConfig>;
  policies: Partial<Record<PolicyName, PolicyMetrics>>;
  targets: TargetCheck[];
  truthfulness: ShadingResult[];
  notes: string[];
}

/** The bid stream of a scenario under a reserve price: generated once, shared by every policy run on it. */
export interface BidStream {
  workloads: Workload[];
  reserve: EngineConfig['reservePrice'];
  simOptions: SimulationOptions;
}

/** The stream under `engineConfig`'s reserve price (the engine's default without one). */
export function prepareStream(scenario: Scenario, library: TraceLibrary, engineConfig?: Partial<EngineConfig>): BidStream {
  const reserve = { ...defaultEngineConfig, ...engineConfig }.reservePrice;
  return {
    workloads: generateWorkloads(scenario, library, reserve),
    reserve,
    simOptions: { reservePrice: (bid) => postedPrice(bid.profile, reserve) },
  };
}

/** What every result over a stream starts with: the scenario, its cluster, the stream and the value it offers. */
export interface StreamHeader {
  scenario: string;
  seed: number;
  durationHours: number;
  nodes: number;
  workloads: number;
  /** The value the stream offers within the run (metrics.ts): the scale to read every policy's welfare against. */
  offeredValue: OfferedValue;
}

export function streamHeader(scenario: Scenario, stream: BidStream): StreamHeader {
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    durationHours: scenario.durationHours,
    nodes: scenario.nodes.reduce((s, g) => s + g.count, 0),
    workloads: stream.workloads.length,
    offeredValue: offeredValue(stream.workloads, runEnd(scenario)),
  };
}

export const NO_MODEL_NOTE = 'No learned model was available: "parley" ran with the statistical predictor and interference model, like "parleyStatistical".';

export type PolicyRunOptions = Pick<ExperimentOptions, 'parleyModels' | 'engineConfig' | 'onProgress' | 'observe' | 'observeEverySteps' | 'observePolicy'>;

/** Runs each named policy on the stream, in order. */
export function runPolicies(
  scenario: Scenario,
  stream: BidStream,
  names: readonly PolicyName[],
  options: PolicyRunOptions = {},
): Partial<Record<PolicyName, PolicyMetrics>> {
  const fullModels = options.parleyModels ?? statisticalModels();
  const makePolicy = (name: PolicyName): Policy => {
    switch (name) {
      case 'parley':
        return parleyPolicy('parley', fullModels, scenario.seed, options.engineConfig);
      case 'parleyStatistical':
        return parleyPolicy('parleyStatistical', statisticalModels(), scenario.seed, options.engineConfig);
      case 'priceOnly':
        return priceOnlyPolicy(stream.reserve);
      case 'kubeLike':
        return kubeLikePolicy(scenario.seed);
      case 'fifo':
        return fifoPolicy(stream.reserve);
    }
  };
  const policies: Partial<Record<PolicyName, PolicyMetrics>> = {};
  for (const name of names) {
    const started = Date.now();
    const observing = name === (options.observePolicy ?? 'parleyStatistical') && options.observe;
    const runOptions: SimulationOptions = observing
      ? { ...stream.simOptions, observe: options.observe!, observeEverySteps: options.observeEverySteps ?? 1 }
      : stream.simOptions;
    policies[name] = simulate(scenario, stream.workloads, makePolicy(name), runOptions).metrics;
    options.onProgress?.(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return policies;
}

export function runExperiment(scenario: Scenario, library: TraceLibrary, options: ExperimentOptions = {}): ExperimentResult {
  const stream = prepareStream(scenario, library, options.engineConfig);
  const { workloads, reserve, simOptions } = stream;
  const notes: string[] = [];
  if (options.engineConfig && Object.keys(options.engineConfig).length > 0) {
    notes.push(`Parley policies ran with engine config overrides ${JSON.stringify(options.engineConfig)}.`);
  }
  if (!options.parleyModels) notes.push(NO_MODEL_NOTE);
  const policies = runPolicies(scenario, stream, options.policies ?? POLICY_NAMES, options);
  const truthfulness: ShadingResult[] = [];
  const hours = options.truthfulnessHours ?? 0;
  if (hours > 0) {
    const short: Scenario = { ...scenario, durationHours: Math.min(hours, scenario.durationHours) };
    const end = scenario.startAt + short.durationHours * 3_600_000;
    const stream = workloads.filter((w) => w.submittedAt < end);
    const probes = probeIds(stream, options.probeEvery ?? 10);
    const shade = options.shadeFactor ?? 0.7;
    const setups = [
      ...(['uniform', 'pay-as-bid'] as const).map((rule) => ({
        rule,
        makePolicy: () => parleyPolicy('parleyStatistical', statisticalModels(), scenario.seed, { ...options.engineConfig, paymentRule: rule }),
      })),
      { rule: 'uniform (price-only auction)', makePolicy: () => priceOnlyPolicy(reserve) },
    ];
    for (const setup of setups) {
      const { truthfulMetrics: _, ...result } = shadingGain(short, stream, setup, simOptions, probes, shade);
      truthfulness.push(result);
      options.onProgress?.(`truthfulness ${setup.rule}: gain ${result.gain.toFixed(3)}`);
    }
  }
  return {
    ...streamHeader(scenario, stream),
    policies,
    engineConfig: options.engineConfig ?? {},
    targets: evaluateTargets(policies),
    truthfulness,
    notes,
  };
}
