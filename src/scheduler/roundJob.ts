/**
 * A clearing round as plain, structured-cloneable data, so the CPU-heavy `clearRound` can run in a worker thread
 * while the main thread keeps serving requests. The main thread runs the active Predictor itself (a learned one holds
 * tfjs tensors that must stay where they were loaded) on exactly the inputs the engine would pass it
 * (`roundPredictorInputs`), through the PredictionCache, and describes the interference model by data the worker
 * rebuilds it from. The worker then runs the unchanged engine with a predictor that returns those predictions, so the
 * plan equals the inline one.
 *
 * Posting a job copies it (structured clone) on the main thread, so a job carries only what the worker has not been
 * sent yet: the ids of the round's instances and bids in snapshot order, plus the instance and bid objects that are
 * new or changed since the last job (the snapshot cache hands out the same object while a row is unchanged). The
 * worker keeps the objects it was sent and rebuilds the whole snapshot from them (JobDecoder); a fresh worker starts
 * from an empty encoder (JobEncoder.reset).
 */
import {
  quotePredictorInputs,
  roundPredictorInputs,
  seededRandom,
  StatisticalInterferenceModel,
  type EngineConfig,
  type EngineDeps,
  type InterferenceModel,
  type InterferenceSensitivities,
  type LedgerEntry,
  type MarketNode,
  type PendingBid,
  type Prediction,
  type Predictor,
  type PredictorInput,
  type RunningInstance,
  type Snapshot,
  type WorkloadProfile,
} from '../market/index.js';
import type { QuoteTerms } from './engine.js';
import { TfjsInterferenceModel, type InterferenceHeadData } from '../model/interference.js';
import type { PredictionModels } from '../service/context.js';
import type { PredictionCache, RoundPredictions } from './predictionCache.js';

export type InterferenceData =
  | { kind: 'statistical'; sensitivities: InterferenceSensitivities }
  | { kind: 'learned'; head: InterferenceHeadData };

/** Objects of one kind (instances or bids): every id of the round in order, and the objects the worker lacks. */
export interface Delta<T> {
  ids: string[];
  changed: T[];
}

export interface RoundJob {
  now: number;
  nodes: readonly MarketNode[];
  ledger: readonly LedgerEntry[];
  instances: Delta<RunningInstance>;
  bids: Delta<PendingBid>;
  predictions: Prediction[];
  /** A quote's further predict calls, answered in turn (quotePredictorInputs); none for a round. */
  laterPredictions: Prediction[][];
  modelVersion: string | null;
  interference: InterferenceData;
  /** Seed of the round's RandomSource (seededRandom). */
  seed: number;
}

/** The interference model as data, or null for a model this module cannot rebuild elsewhere (run that round inline). */
export function interferenceData(model: InterferenceModel): InterferenceData | null {
  if (model instanceof StatisticalInterferenceModel) return { kind: 'statistical', sensitivities: model.sensitivities };
  if (model instanceof TfjsInterferenceModel) return { kind: 'learned', head: model.toData() };
  return null;
}

export function interferenceFromData(data: InterferenceData): InterferenceModel {
  return data.kind === 'statistical'
    ? new StatisticalInterferenceModel(data.sensitivities)
    : TfjsInterferenceModel.fromData(data.head);
}

/**
 * A quote's predictions, one list per predict call it makes (quotePredictorInputs), answered from the cache where
 * the inputs are unchanged (the instances', mostly: the same objects the rounds predicted).
 */
export function predictQuote(
  snapshot: Snapshot,
  profile: WorkloadProfile,
  terms: QuoteTerms,
  predictor: Predictor,
  config: EngineConfig,
  cache: PredictionCache,
): Prediction[][] {
  return quotePredictorInputs(snapshot, profile, terms, config).map((inputs) => cache.predict(predictor, inputs).predictions);
}

/** The round's single batched prediction (roundPredictorInputs), answered from the cache where the inputs are unchanged. */
export function predictRound(snapshot: Snapshot, predictor: Predictor, config: EngineConfig, cache: PredictionCache): RoundPredictions {
  return cache.predict(predictor, roundPredictorInputs(snapshot, config));
}

/** Main-thread side of the delta: what the worker has been sent, by id. */
export class JobEncoder {
  private instances = new Map<string, RunningInstance>();
  private bids = new Map<string, PendingBid>();

  /** Forgets what was sent (the worker that held it is gone). */
  reset(): void {
    this.instances = new Map();
    this.bids = new Map();
  }

  /** The job for a round; from now on the worker is assumed to hold this snapshot's objects. */
  encode(
    snapshot: Snapshot,
    predictions: Prediction[],
    models: PredictionModels,
    interference: InterferenceData,
    seed: number,
    laterPredictions: Prediction[][] = [],
  ): RoundJob {
    const delta = <T extends { id: string }>(items: readonly T[], sent: Map<string, T>): [Delta<T>, Map<string, T>] => {
      const now = new Map<string, T>();
      const changed: T[] = [];
      const ids = items.map((item) => {
        if (sent.get(item.id) !== item) changed.push(item);
        now.set(item.id, item);
        return item.id;
      });
      return [{ ids, changed }, now];
    };
    const [instances, sentInstances] = delta(snapshot.instances, this.instances);
    const [bids, sentBids] = delta(snapshot.bids, this.bids);
    this.instances = sentInstances;
    this.bids = sentBids;
    return {
      now: snapshot.now,
      nodes: snapshot.nodes,
      ledger: snapshot.ledger,
      instances,
      bids,
      predictions,
      laterPredictions,
      modelVersion: models.predictor.version,
      interference,
      seed,
    };
  }
}

/** Worker side of the delta: the objects it was sent, from which each job's full snapshot is rebuilt. */
export class JobDecoder {
  private instances = new Map<string, RunningInstance>();
  private bids = new Map<string, PendingBid>();

  decode(job: RoundJob): Snapshot {
    const apply = <T extends { id: string }>({ ids, changed }: Delta<T>, known: Map<string, T>): [T[], Map<string, T>] => {
      for (const item of changed) known.set(item.id, item);
      const now = new Map<string, T>();
      const items = ids.map((id) => {
        const item = known.get(id);
        if (item === undefined) throw new Error(`round job refers to ${id}, which this worker was never sent`);
        now.set(id, item);
        return item;
      });
      return [items, now];
    };
    const [instances, knownInstances] = apply(job.instances, this.instances);
    const [bids, knownBids] = apply(job.bids, this.bids);
    this.instances = knownInstances;
    this.bids = knownBids;
    return { now: job.now, nodes: job.nodes, instances, bids, ledger: job.ledger };
  }
}

/**
 * Answers the round's single `predict` call (or a quote's calls, in turn: quotePredictorInputs) with predictions
 * computed beforehand for the same inputs. It can only check the count: the engine's contract (round.ts,
 * predictorInputs.ts, quote.ts) is what makes the inputs the same.
 */
export class PrecomputedPredictor implements Predictor {
  private calls = 0;
  private readonly answers: readonly (readonly Prediction[])[];

  constructor(
    readonly version: string | null,
    predictions: readonly Prediction[],
    ...later: (readonly Prediction[])[]
  ) {
    this.answers = [predictions, ...later];
  }

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    const answer = this.answers[this.calls];
    if (answer === undefined) throw new Error(`PrecomputedPredictor answers ${this.answers.length} predict call(s)`);
    if (inputs.length !== answer.length) {
      throw new Error(`precomputed ${answer.length} predictions, call ${this.calls + 1} asked for ${inputs.length}`);
    }
    this.calls++;
    return [...answer];
  }
}

/** The engine dependencies a job stands for (used by the worker). */
export function jobDeps(job: RoundJob): EngineDeps {
  return {
    predictor: new PrecomputedPredictor(job.modelVersion, job.predictions, ...job.laterPredictions),
    interference: interferenceFromData(job.interference),
    random: seededRandom(job.seed),
  };
}
