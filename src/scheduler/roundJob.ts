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
} from '../market/index.js';
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
 * Answers the round's single `predict` call with predictions computed beforehand for the same inputs. It can only
 * check the count: the engine's contract (round.ts, predictorInputs.ts) is what makes the inputs the same.
 */
export class PrecomputedPredictor implements Predictor {
  private used = false;

  constructor(
    readonly version: string | null,
    private readonly predictions: readonly Prediction[],
  ) {}

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    if (this.used) throw new Error('PrecomputedPredictor answers one predict call per round');
    if (inputs.length !== this.predictions.length) {
      throw new Error(`precomputed ${this.predictions.length} predictions, the round asked for ${inputs.length}`);
    }
    this.used = true;
    return [...this.predictions];
  }
}

/** The engine dependencies a job stands for (used by the worker). */
export function jobDeps(job: RoundJob): EngineDeps {
  return {
    predictor: new PrecomputedPredictor(job.modelVersion, job.predictions),
    interference: interferenceFromData(job.interference),
    random: seededRandom(job.seed),
  };
}
