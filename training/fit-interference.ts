import { createReadStream } from 'node:fs';
import { LineSplitter } from '../src/traces/lines.js';
import { z } from 'zod';
import {
  INTERFERENCE_FEATURE_NAMES,
  INTERFERENCE_QUANTILES,
  interferenceFeaturesInto,
  processorSharingSlowdown,
  type DemandQuantiles,
} from '../src/features/interference.js';
import { applyNormalization, fitNormalization, type NormalizationStats } from '../src/features/normalize.js';
import { RESOURCE_ORDER } from '../src/features/spec.js';
import type { Resource } from '../src/market/types.js';
import { tf } from '../src/model/backend.js';
import { mulberry32, shuffledIndices } from './random.js';
import { HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from './dataset.js';
import { pinball } from '../src/features/stats.js';
import { buildInterferenceModel, interferenceLoss } from './network.js';

/** One observation of interference: what the instance and its node's co-runners demanded, and the slowdown seen. */
export interface InterferenceObservation {
  own: DemandQuantiles;
  node: Record<Resource, number>;
  coRunners: DemandQuantiles[];
  slowdown: number;
}

/** Smallest node drawn: 1 core, 1 GiB, 1 Gbps (a NIC slower than that is not sold as a cloud node). */
const MIN_NODE: Readonly<Record<Resource, number>> = { cpu: 1, memory: 1024, network: 1000 };

const quantilesSchema = z.object({ mean: z.number().nonnegative(), p95: z.number().nonnegative() });
const demandSchema = z.object({
  cpu: quantilesSchema,
  memory: quantilesSchema,
  network: quantilesSchema,
  declared: z.object({ cpu: z.number().nonnegative(), memory: z.number().nonnegative() }),
});
const observationSchema = z.object({
  own: demandSchema,
  node: z.object({ cpu: z.number().positive(), memory: z.number().positive(), network: z.number().positive() }),
  coRunners: z.array(demandSchema),
  slowdown: z.number().min(0.5).max(100),
});

/**
 * Reads observations with real slowdown (one JSON object per line, the shape above), as the simulator or the
 * service's feedback store writes them. A bad line is an error with its line number.
 */
export async function readObservations(path: string): Promise<InterferenceObservation[]> {
  const out: InterferenceObservation[] = [];
  const splitter = new LineSplitter();
  let lineNumber = 0;
  const take = (line: string) => {
    lineNumber++;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new Error(`${path}:${lineNumber}: not JSON (${(cause as Error).message})`);
    }
    const parsed = observationSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${path}:${lineNumber}: ${z.prettifyError(parsed.error)}`);
    out.push(parsed.data);
  };
  // Streamed line by line: a feedback export can be larger than the longest string V8 can hold.
  for await (const chunk of createReadStream(path)) for (const line of splitter.push(chunk as Buffer)) take(line);
  for (const line of splitter.end()) take(line);
  return out;
}

/**
 * Co-location observations synthesized from a trace, for when no feedback with slowdown exists yet. At one anchor
 * time, a random candidate and 1–8 co-runners (other trace VMs at the same time) share a node whose capacity per
 * resource is drawn between 0.6× and 1.6× their summed predicted p95 (at least MIN_NODE), so both overloaded and comfortable nodes
 * appear. "Predicted" demand is the Resource-Central-like window p95 baseline (what serving would have from the
 * predictor); the label is the processor-sharing slowdown of the REALIZED horizon demand. The label is a model of
 * contention, not a measurement: the head learns how forecast demand maps to realized overload.
 */
export function synthesizeObservations(dataset: Dataset, rows: Int32Array, count: number, random: () => number): InterferenceObservation[] {
  const byTime = new Map<number, number[]>();
  rows.forEach((row) => {
    if (!dataset.hasHistory[row]) return;
    const list = byTime.get(dataset.at[row]!) ?? [];
    list.push(row);
    byTime.set(dataset.at[row]!, list);
  });
  const groups = [...byTime.values()].filter((g) => g.length >= 2);
  if (groups.length === 0) return [];
  const predicted = dataset.baselines['rc_window_p95']!;
  const demand = (row: number): DemandQuantiles => {
    const q = (r: number) => ({ mean: predicted[row * TARGET_WIDTH + r * 3]!, p95: predicted[row * TARGET_WIDTH + r * 3 + 1]! });
    // No declaration goes with a synthetic co-location: the predicted mean stands in for it.
    return { cpu: q(0), memory: q(1), network: q(2), declared: { cpu: q(0).mean, memory: q(1).mean } };
  };
  const out: InterferenceObservation[] = [];
  for (let n = 0; n < count; n++) {
    const group = groups[Math.floor(random() * groups.length)]!;
    const picked = [...group].sort(() => random() - 0.5).slice(0, 1 + Math.min(group.length - 1, 1 + Math.floor(random() * 8)));
    const node = {} as Record<Resource, number>;
    RESOURCE_ORDER.forEach((r, ri) => {
      const sumP95 = picked.reduce((s, row) => s + predicted[row * TARGET_WIDTH + ri * 3 + 1]!, 0);
      node[r] = Math.max(MIN_NODE[r], sumP95 * (0.6 + random()));
    });
    const slots = Array.from({ length: HORIZON_SLOTS }, (_, k) => {
      const d = { cpu: 0, memory: 0, network: 0 };
      for (const row of picked) {
        RESOURCE_ORDER.forEach((r, ri) => (d[r] += dataset.horizon[row * 3 * HORIZON_SLOTS + ri * HORIZON_SLOTS + k]!));
      }
      return d;
    });
    out.push({
      own: demand(picked[0]!),
      node,
      coRunners: picked.slice(1).map(demand),
      slowdown: processorSharingSlowdown(slots, node),
    });
  }
  return out;
}

export interface FittedInterference {
  model: tf.LayersModel;
  normalization: NormalizationStats;
  /** Held-out errors of the median head's slowdown. */
  mae: number;
  rmse: number;
  /** The same errors for "always 1.0" (no interference), the head's natural baseline. */
  baselineMae: number;
  baselineRmse: number;
  /** Held-out share of observed slowdowns at or under the predicted upper quantile, and its pinball loss. */
  upperQuantile: { tau: number; coverage: number; pinball: number; alwaysOnePinball: number };
  examples: number;
}

/** Observations past this index order (the last fifth) are held out: later in time when the file is in time order. */
const FIT_SHARE = 0.8;

/**
 * Fits the head on the first 80 % of the observations with the pinball loss of every INTERFERENCE_QUANTILES
 * output; reports, on the other 20 %, the median's MAE and RMSE of slowdown against "always 1.0" and the upper
 * quantile's coverage and pinball loss.
 */
export async function fitInterference(observations: InterferenceObservation[], seed: number, log: (line: string) => void): Promise<FittedInterference> {
  if (observations.length < 50) throw new Error(`need at least 50 interference observations, got ${observations.length}`);
  const width = INTERFERENCE_FEATURE_NAMES.length;
  const outputs = INTERFERENCE_QUANTILES.length;
  const x = new Float32Array(observations.length * width);
  observations.forEach((o, i) => interferenceFeaturesInto(o.own, o.node, o.coRunners, x, i * width));
  const y = Float32Array.from(observations, (o) => o.slowdown - 1);
  const cut = Math.floor(observations.length * FIT_SHARE);
  const normalization = fitNormalization(x.subarray(0, cut * width), width);
  applyNormalization(x, normalization);
  const model = buildInterferenceModel(seed);
  model.compile({ optimizer: tf.train.adam(3e-3), loss: interferenceLoss });
  const xs = tf.tensor2d(x.subarray(0, cut * width), [cut, width]);
  // tfjs wants targets shaped like the outputs: the observed slowdown − 1 once per quantile output.
  const targets = new Float32Array(cut * outputs);
  for (let i = 0; i < cut; i++) targets.fill(y[i]!, i * outputs, (i + 1) * outputs);
  const ys = tf.tensor2d(targets, [cut, outputs]);
  // One fit call per epoch on a seeded permutation of the rows (fit's own shuffle draws on Math.random), so the same
  // observations and seed train the same head.
  const order = mulberry32(seed + 1);
  try {
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      const idx = tf.tensor1d(shuffledIndices(cut, order), 'int32');
      const [xe, ye] = [tf.gather(xs, idx), tf.gather(ys, idx)];
      try {
        const history = await model.fit(xe, ye, { epochs: 1, batchSize: 256, shuffle: false, verbose: 0 });
        if (epoch % 5 === 0) log(`interference epoch ${epoch}/${EPOCHS}  loss ${Number(history.history['loss']?.[0]).toFixed(5)}`);
      } finally {
        tf.dispose([idx, xe, ye]);
      }
    }
  } finally {
    xs.dispose();
    ys.dispose();
  }
  const held = observations.length - cut;
  const predicted = tf.tidy(() => (model.predict(tf.tensor2d(x.subarray(cut * width), [held, width])) as tf.Tensor).dataSync());
  const upper = outputs - 1;
  const tau = INTERFERENCE_QUANTILES[upper]!;
  let mae = 0;
  let sq = 0;
  let baselineMae = 0;
  let baselineSq = 0;
  let covered = 0;
  let pin = 0;
  let pinOne = 0;
  for (let i = 0; i < held; i++) {
    const actual = y[cut + i]!;
    // Serving clamps at 0 (a slowdown below 1.0 is noise, never predicted), so the errors are scored that way too.
    const median = Math.max(0, predicted[i * outputs]!);
    const high = Math.max(median, predicted[i * outputs + upper]!);
    mae += Math.abs(median - actual);
    sq += (median - actual) ** 2;
    baselineMae += Math.abs(actual);
    baselineSq += actual ** 2;
    if (actual <= high) covered++;
    pin += pinball(actual, high, tau);
    pinOne += pinball(actual, 0, tau);
  }
  return {
    model,
    normalization,
    mae: mae / held,
    rmse: Math.sqrt(sq / held),
    baselineMae: baselineMae / held,
    baselineRmse: Math.sqrt(baselineSq / held),
    upperQuantile: { tau, coverage: covered / held, pinball: pin / held, alwaysOnePinball: pinOne / held },
    examples: observations.length,
  };
}

const EPOCHS = 30;
