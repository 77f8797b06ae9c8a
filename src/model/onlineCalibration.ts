/**
 * Online recalibration of a model's quantile heads from feedback: quantile tracking (Angelopoulos, Barber and Bates,
 * "Conformal PID control for time series prediction", NeurIPS 2023; the adaptive conformal inference of Gibbs and
 * Candès, NeurIPS 2021, in the residual's own units). Training calibrates each p95 and p99 head once, on one
 * validation week (training/calibration.ts); the weeks after it drift (docs/model-card.md: on the July test days the
 * full-month model's p95 covered 0.9487 / 0.9419 / 0.9488 of the samples). Here, every `ONLINE_STEP_MS` the share
 * of samples that landed above the served quantile since the last step moves that head's extra shift:
 *
 *   shift ← shift + η · (miss share − α),   η = ONLINE_GAIN · max(|static shift|, ONLINE_MIN_SCALE)
 *
 * in the same ratio-to-scale units as the static shift (α = 0.05: the p95 heads; see TRACKED_HEADS). Summed over T
 * steps the update gives mean miss share − α = (final shift − initial shift) / (η · T): the long-run share of misses
 * goes to α whatever the drift, and a stationary stream keeps the shift near 0. Mean and p99 heads are not shifted.
 *
 * One definition, used by the evaluation (training/onlineEvaluation.ts replays a test split through it, outcomes
 * revealed only after their horizon ends) and by serving (src/model/registry.ts: feedback counts misses against the
 * prediction in force when it arrives; the clearing loop steps and persists the shift).
 */
import { HORIZON_MS, OUTPUT_HEADS, OUTPUT_NAMES, RESOURCE_ORDER } from '../features/spec.js';
import type { FeedbackSample, Quantiles, Resource } from '../market/types.js';

/** Step size per unit of miss-share error, as a multiple of the head's static shift (chosen on the development split). */
export const ONLINE_GAIN = 2;
/** Floor of the step's scale, in ratio-to-scale units, for a head whose static shift is (near) zero. */
export const ONLINE_MIN_SCALE = 0.01;
/** Time between steps: one prediction horizon, so each step sees a whole horizon of outcomes. */
export const ONLINE_STEP_MS = HORIZON_MS;
/**
 * Output index (OUTPUT_NAMES order) and miss level α of every head the tracker moves: the p95 heads. The p99 heads
 * keep their static calibration. Tracking them too was measured in the simulator (docs/benchmarks.md, "Online
 * recalibration"): the shipped default's p99 heads over-cover there, the tracker lowered them by up to 1.5 declared
 * averages over the 48-hour run, the chance constraint packed tighter, and over seven seeds mean welfare ÷ kubeLike
 * went from 1.177 to 1.187 while QoS violation hours went from 297 to 400; p95 tracking alone left both as they were.
 */
export const TRACKED_HEADS: readonly { output: number; resource: number; alpha: number }[] = RESOURCE_ORDER.map((_, r) => ({
  output: r * OUTPUT_HEADS.length + 1,
  resource: r,
  alpha: 0.05,
}));

/** The tracker's persistent state: what `model_versions.online_calibration` holds for a version. */
export interface OnlineCalibrationState {
  /** Extra shift per output (OUTPUT_NAMES order, ratio-to-scale units; 0 for mean heads). */
  shift: number[];
  /** Steps taken so far. */
  steps: number;
  /** Epoch ms of the last step (or of the start of tracking); null before the first observation window opened. */
  steppedAt: number | null;
}

export const initialOnlineState = (): OnlineCalibrationState => ({ shift: new Array<number>(OUTPUT_NAMES.length).fill(0), steps: 0, steppedAt: null });

/** Checks a stored state's shape (a row written by another build, or by hand); null when it cannot be used. */
export function parseOnlineState(value: unknown): OnlineCalibrationState | null {
  if (typeof value !== 'object' || value === null) return null;
  const { shift, steps, steppedAt } = value as Record<string, unknown>;
  if (!Array.isArray(shift) || shift.length !== OUTPUT_NAMES.length || !shift.every((s) => typeof s === 'number' && Number.isFinite(s))) return null;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) return null;
  if (steppedAt !== null && (typeof steppedAt !== 'number' || !Number.isFinite(steppedAt))) return null;
  return { shift: [...(shift as number[])], steps, steppedAt: steppedAt as number | null };
}

/** Per-output step sizes for a model calibrated with `staticShift`. */
export function stepSizes(staticShift: readonly number[]): number[] {
  const eta = new Array<number>(OUTPUT_NAMES.length).fill(0);
  for (const { output } of TRACKED_HEADS) eta[output] = ONLINE_GAIN * Math.max(Math.abs(staticShift[output] ?? 0), ONLINE_MIN_SCALE);
  return eta;
}

/** Element-wise sum: the shift a prediction is made with (static calibration plus the online correction). */
export function combinedShift(staticShift: readonly number[], online: readonly number[]): number[] {
  return staticShift.map((s, i) => s + (online[i] ?? 0));
}

/**
 * The tracker: misses are counted as outcomes become known (`observe`), and `step(now)` turns the counts of the
 * window since the last step into a new shift once `ONLINE_STEP_MS` has passed. Not thread-safe state, no I/O.
 */
export class OnlineCalibrator {
  private readonly eta: number[];
  private state: OnlineCalibrationState;
  private readonly misses = new Array<number>(OUTPUT_NAMES.length).fill(0);
  private readonly samples = new Array<number>(OUTPUT_NAMES.length).fill(0);

  constructor(staticShift: readonly number[], state: OnlineCalibrationState = initialOnlineState()) {
    if (staticShift.length !== OUTPUT_NAMES.length) throw new RangeError(`expected ${OUTPUT_NAMES.length} static shifts, got ${staticShift.length}`);
    this.eta = stepSizes(staticShift);
    this.state = { ...state, shift: [...state.shift] };
  }

  /** The current extra shift per output. */
  get shift(): readonly number[] {
    return this.state.shift;
  }

  /** A copy of the state to persist. */
  snapshot(): OnlineCalibrationState {
    return { ...this.state, shift: [...this.state.shift] };
  }

  /** Counts `n` outcomes of one output, `missed` of which landed above the quantile served for them. */
  observe(output: number, missed: number, n: number): void {
    if (!(n >= 0 && missed >= 0 && missed <= n)) throw new RangeError(`observe: ${missed} misses of ${n} samples`);
    this.misses[output] = this.misses[output]! + missed;
    this.samples[output] = this.samples[output]! + n;
  }

  /** Counts one sample against the prediction that was in force for it: the p95 head of every resource. */
  observeSample(prediction: Record<Resource, Pick<Quantiles, 'p95'>>, sample: Pick<FeedbackSample, 'cpu' | 'memory' | 'network'>): void {
    for (const { output, resource } of TRACKED_HEADS) {
      const r = RESOURCE_ORDER[resource]!;
      this.observe(output, sample[r] > prediction[r].p95 ? 1 : 0, 1);
    }
  }

  /**
   * `step`, and whether the shift changed (the caller then serves a predictor built with the new `shift`): what the
   * service's registry and the simulator's policy do before each round.
   */
  stepChanged(now: number): { stepped: boolean; changed: boolean } {
    const before = [...this.state.shift];
    const stepped = this.step(now);
    return { stepped, changed: stepped && this.state.shift.some((s, i) => s !== before[i]) };
  }

  /**
   * Takes a step when `ONLINE_STEP_MS` has passed since the last one (the first call only opens the window).
   * Heads without a sample in the window keep their shift. Returns whether a step was taken.
   */
  step(now: number): boolean {
    if (this.state.steppedAt === null) {
      this.state.steppedAt = now;
      return false;
    }
    if (now - this.state.steppedAt < ONLINE_STEP_MS) return false;
    for (const { output, alpha } of TRACKED_HEADS) {
      const n = this.samples[output]!;
      if (n > 0) this.state.shift[output] = this.state.shift[output]! + this.eta[output]! * (this.misses[output]! / n - alpha);
      this.misses[output] = 0;
      this.samples[output] = 0;
    }
    this.state.steppedAt = now;
    this.state.steps += 1;
    return true;
  }
}
