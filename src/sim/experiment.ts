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

export interface ExperimentResult {
  scenario: string;
  /** The engine config overrides the Parley policies ran with ({} = the engine's defaults). */
  engineConfig: Partial<EngineConfig>;
  seed: number;
  durationHours: number;
  nodes: number;
  workloads: number;
  /** The value the stream offers within the run (metrics.ts): the scale to read every policy's welfare against. */
  offeredValue: OfferedValue;
  policies: Partial<Record<PolicyName, PolicyMetrics>>;
  targets: TargetCheck[];
  truthfulness: ShadingResult[];
  notes: string[];
}

export function runExperiment(scenario: Scenario, library: TraceLibrary, options: ExperimentOptions = {}): ExperimentResult {
  const engineConfig = { ...defaultEngineConfig, ...options.engineConfig };
  const reserve = engineConfig.reservePrice;
  const workloads = generateWorkloads(scenario, library, reserve);
  const simOptions: SimulationOptions = { reservePrice: (bid) => postedPrice(bid.profile, reserve) };
  const notes: string[] = [];
  if (options.engineConfig && Object.keys(options.engineConfig).length > 0) {
    notes.push(`Parley policies ran with engine config overrides ${JSON.stringify(options.engineConfig)}.`);
  }
  const fullModels = options.parleyModels ?? statisticalModels();
  if (!options.parleyModels) {
    notes.push('No learned model was available: "parley" ran with the statistical predictor and interference model, like "parleyStatistical".');
  }
  const makePolicy = (name: PolicyName): Policy => {
    switch (name) {
      case 'parley':
        return parleyPolicy('parley', fullModels, scenario.seed, options.engineConfig);
      case 'parleyStatistical':
        return parleyPolicy('parleyStatistical', statisticalModels(), scenario.seed, options.engineConfig);
      case 'priceOnly':
        return priceOnlyPolicy(reserve);
      case 'kubeLike':
        return kubeLikePolicy(scenario.seed);
      case 'fifo':
        return fifoPolicy(reserve);
    }
  };
  const policies: Partial<Record<PolicyName, PolicyMetrics>> = {};
  for (const name of options.policies ?? POLICY_NAMES) {
    const started = Date.now();
    const observing = name === (options.observePolicy ?? 'parleyStatistical') && options.observe;
    const runOptions: SimulationOptions = observing
      ? { ...simOptions, observe: options.observe!, observeEverySteps: options.observeEverySteps ?? 1 }
      : simOptions;
    policies[name] = simulate(scenario, workloads, makePolicy(name), runOptions).metrics;
    options.onProgress?.(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
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
    seed: scenario.seed,
    policies,
    scenario: scenario.name,
    engineConfig: options.engineConfig ?? {},
    durationHours: scenario.durationHours,
    nodes: scenario.nodes.reduce((s, g) => s + g.count, 0),
    workloads: workloads.length,
    offeredValue: offeredValue(workloads, runEnd(scenario)),
    targets: evaluateTargets(policies),
    truthfulness,
    notes,
  };
}
