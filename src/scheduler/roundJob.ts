/**
 * A clearing round as plain, structured-cloneable data, so the CPU-heavy `clearRound` can run in a worker thread
 * while the main thread keeps serving requests. The main thread runs the active Predictor itself (a learned one holds
 * tfjs tensors that must stay where they were loaded) on exactly the inputs the engine would pass it
 * (`roundPredictorInputs`), and describes the interference model by data the worker rebuilds it from. The worker
 * then runs the unchanged engine with a predictor that returns those predictions, so the plan equals the inline one.
 */
import {
  roundPredictorInputs,
  seededRandom,
  StatisticalInterferenceModel,
  type EngineConfig,
  type EngineDeps,
  type InterferenceModel,
  type InterferenceSensitivities,
  type Prediction,
  type Predictor,
  type PredictorInput,
  type Snapshot,
} from '../market/index.js';
import { TfjsInterferenceModel, type InterferenceHeadData } from '../model/interference.js';
import type { PredictionModels } from '../service/context.js';

export type InterferenceData =
  | { kind: 'statistical'; sensitivities: InterferenceSensitivities }
  | { kind: 'learned'; head: InterferenceHeadData };

export interface RoundJob {
  snapshot: Snapshot;
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

/**
 * Builds the job on the main thread: one batched prediction over the round's inputs. Null when the interference model
 * cannot be described as data.
 */
export function buildRoundJob(snapshot: Snapshot, models: PredictionModels, seed: number, config: EngineConfig): RoundJob | null {
  const interference = interferenceData(models.interference);
  if (interference === null) return null;
  const predictions = models.predictor.predict(roundPredictorInputs(snapshot, config));
  return { snapshot, predictions, modelVersion: models.predictor.version, interference, seed };
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
