import { FEATURE_NAMES, OUTPUT_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import { featureRange, fitNormalization, applyNormalization, type NormalizationStats } from '../src/features/normalize.js';
import { tf } from '../src/model/backend.js';
import { REFERENCE_COLUMNS, UtilizationNetwork } from '../src/model/utilization.js';
import { gather, HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from './dataset.js';
import { buildUtilizationModel, DEFAULT_LOSS, HIDDEN, LABEL, LABEL_WIDTH, utilizationLoss, type LossWeights } from './network.js';
import { mulberry32, shuffledIndices } from './random.js';
import type { Split } from './split.js';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Share of fit examples also presented without history (as a new bid), so the model serves new bids too. */
  noHistoryShare: number;
  /**
   * Share of fit examples also presented with a short history (the dataset's `shortHistory` features, when it was
   * built with them), so the model serves the histories a service keeps (`historySamples`) as well as 24 h ones.
   * Off by default: it made predictions robust to the history's length on the traces, but in the simulator, whose
   * instances carry 24 h of feedback, it cost QoS (docs/model-card.md, "History length at serving").
   */
  shortHistoryShare: number;
  /** Stop when validation loss has not improved for this many epochs. */
  patience: number;
  hidden: readonly number[];
  loss: LossWeights;
  log: (line: string) => void;
}

export const DEFAULT_FIT: Omit<FitOptions, 'log'> = {
  epochs: 40,
  batchSize: 256,
  learningRate: 2e-3,
  seed: 7,
  noHistoryShare: 0.2,
  shortHistoryShare: 0,
  patience: 5,
  hidden: HIDDEN,
  loss: DEFAULT_LOSS,
};

export interface FittedUtilization {
  /** The fitted network, not yet calibrated (zero shifts): training/calibration.ts calibrates it. */
  network: UtilizationNetwork;
  normalization: NormalizationStats;
  /** Its raw estimates for dataset rows, in ratio-to-scale units (rows × TARGET_WIDTH). */
  ratios: (rows: Int32Array) => Float32Array;
  epochs: { epoch: number; loss: number; valLoss: number }[];
  meanScale: number[];
  fitExamples: number;
}

/** Training labels (see utilizationLoss); `rawX` holds the same rows' raw features, for the reference values. */
function labels(dataset: Dataset, rows: Int32Array, rawX: Float32Array, meanScale: number[]): Float32Array {
  const width = FEATURE_NAMES.length;
  const out = new Float32Array(rows.length * LABEL_WIDTH);
  rows.forEach((row, i) => {
    const o = i * LABEL_WIDTH;
    RESOURCE_ORDER.forEach((_, r) => {
      const scale = dataset.scales[row * 3 + r]!;
      out[o + LABEL.weight + r] = scale / meanScale[r]!;
      out[o + LABEL.reference + r] = rawX[i * width + REFERENCE_COLUMNS[r]!]!;
      out[o + LABEL.realizedP95 + r] = dataset.actual[row * TARGET_WIDTH + r * 3 + 1]! / scale;
      out[o + LABEL.realizedP99 + r] = dataset.actual[row * TARGET_WIDTH + r * 3 + 2]! / scale;
      const samples = o + LABEL.samples + r * HORIZON_SLOTS;
      for (let k = 0; k < HORIZON_SLOTS; k++) out[samples + k] = dataset.horizon[row * 3 * HORIZON_SLOTS + r * HORIZON_SLOTS + k]! / scale;
    });
  });
  return out;
}

export async function fitUtilization(dataset: Dataset, split: Split, options: FitOptions): Promise<FittedUtilization> {
  const width = FEATURE_NAMES.length;
  if (split.fit.length === 0 || split.validation.length === 0) {
    throw new Error(`not enough data to train: ${split.fit.length} fit and ${split.validation.length} validation examples`);
  }
  const random = mulberry32(options.seed);
  // Fit rows plus, for a share of them, the same target seen as a new bid (profile-only features).
  const extra = Int32Array.from([...split.fit].filter(() => random() < options.noHistoryShare));
  // Its own stream, so the no-history rows are the same with or without short histories.
  const shortRandom = mulberry32(options.seed + 1);
  const withShort = dataset.shortHistory.length > 0 ? options.shortHistoryShare : 0;
  const short = Int32Array.from([...split.fit].filter(() => shortRandom() < withShort));
  const fitRows = Int32Array.from([...split.fit, ...extra, ...short]);
  const fitX = gather(dataset.features, width, fitRows);
  extra.forEach((row, i) => {
    const instance = dataset.instance[row]!;
    fitX.set(dataset.profileOnly.subarray(instance * width, (instance + 1) * width), (split.fit.length + i) * width);
  });
  const shortAt = split.fit.length + extra.length;
  short.forEach((row, i) => fitX.set(dataset.shortHistory.subarray(row * width, (row + 1) * width), (shortAt + i) * width));
  // The range the network is fitted on travels with it: serving clamps inputs to it (NormalizationStats.min/max).
  const normalization: NormalizationStats = { ...fitNormalization(fitX, width), ...featureRange(fitX, width) };
  const meanScale = RESOURCE_ORDER.map((_, r) => {
    let sum = 0;
    split.fit.forEach((row) => (sum += dataset.scales[row * 3 + r]!));
    return sum / split.fit.length;
  });
  const fitY = labels(dataset, fitRows, fitX, meanScale);
  applyNormalization(fitX, normalization);
  const valX = gather(dataset.features, width, split.validation);
  const valY = labels(dataset, split.validation, valX, meanScale);
  applyNormalization(valX, normalization);

  const model = buildUtilizationModel(options.seed, options.hidden);
  const optimizer = tf.train.adam(options.learningRate);
  const epochs: FittedUtilization['epochs'] = [];
  const xs = tf.tensor2d(fitX, [fitRows.length, width]);
  const ys = tf.tensor2d(fitY, [fitRows.length, LABEL_WIDTH]);
  const vx = tf.tensor2d(valX, [split.validation.length, width]);
  const vy = tf.tensor2d(valY, [split.validation.length, LABEL_WIDTH]);
  let best = Number.POSITIVE_INFINITY;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
  // Batch order from the seed too (tfjs's own shuffle draws on Math.random): the same data and options train the same
  // weights, bit for bit, on the same backend.
  const batchRandom = mulberry32(options.seed + 2);
  // A hand-written loop rather than model.fit: fit insists labels have the output's shape, and our labels carry
  // the horizon's samples (the pinball loss needs them), not one value per output.
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStarted = Date.now();
      const order = shuffledIndices(fitRows.length, batchRandom);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        const idx = tf.tensor1d(Int32Array.from(order.subarray(start, start + options.batchSize)), 'int32');
        // Gathered outside minimize(): an op recorded for the gradient keeps a copy of its inputs, and gather's input
        // is the whole training matrix (a copy of tens of MB per batch, most of an epoch's time on wasm).
        const xb = tf.gather(xs, idx);
        const yb = tf.gather(ys, idx);
        const cost = optimizer.minimize(() => utilizationLoss(yb, model.apply(xb, { training: true }) as tf.Tensor, options.loss), true);
        lossSum += cost!.dataSync()[0]!;
        batches += 1;
        cost!.dispose();
        xb.dispose();
        yb.dispose();
        idx.dispose();
      }
      const valLoss = tf.tidy(() => utilizationLoss(vy, model.predict(vx, { batchSize: 8192 }) as tf.Tensor, options.loss).dataSync()[0]!);
      const loss = lossSum / batches;
      epochs.push({ epoch, loss, valLoss });
      options.log(
        `epoch ${String(epoch).padStart(3)}/${options.epochs}  loss ${loss.toFixed(5)}  val_loss ${valLoss.toFixed(5)}  ` +
          `(${((Date.now() - epochStarted) / 1000).toFixed(1)} s)`,
      );
      if (valLoss < best - 1e-6) {
        best = valLoss;
        sinceBest = 0;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = model.getWeights().map((w) => w.clone());
      } else if (++sinceBest >= options.patience) {
        options.log(`early stop: val_loss has not improved for ${options.patience} epochs; keeping epoch ${epoch - sinceBest}`);
        break;
      }
    }
  } finally {
    xs.dispose();
    ys.dispose();
    vx.dispose();
    vy.dispose();
    optimizer.dispose();
  }
  if (bestWeights) {
    model.setWeights(bestWeights);
    (bestWeights as tf.Tensor[]).forEach((t) => t.dispose());
  }
  const network = new UtilizationNetwork(model, { normalization, calibration: new Array<number>(OUTPUT_NAMES.length).fill(0) });
  return {
    network,
    normalization,
    ratios: (rows) => {
      const out = new Float32Array(rows.length * TARGET_WIDTH);
      for (let start = 0; start < rows.length; start += 8192) {
        const part = rows.subarray(start, Math.min(rows.length, start + 8192));
        out.set(network.predictRatios(gather(dataset.features, width, part), part.length), start * TARGET_WIDTH);
      }
      return out;
    },
    epochs,
    meanScale,
    fitExamples: fitRows.length,
  };
}
