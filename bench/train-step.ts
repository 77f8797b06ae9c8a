/**
 * `npm run bench -- train-step [--json] [--batch 1024] [--rounds 20]`
 *
 * Times one training step of the utilization network as `npm run train` takes it (training/fit-utilization.ts:
 * the default 256/128 MLP, the training loss, one Adam `minimize` on a batch), and the two products a dense layer's
 * gradient needs (xᵀ·dy and dy·Wᵀ at the second layer's sizes), each with the backend's own matrix-product kernels
 * and with `transposeOperandsFirst` (src/model/backend.ts), which the service and training install. Inputs are
 * random: the cost of a step does not depend on the values. Median and p95 over `rounds` timed steps after 3 warm-up
 * steps.
 */
import { parseArgs } from 'node:util';
import { FEATURE_NAMES } from '../src/features/spec.js';
import { initTfBackend, tf, transposeOperandsFirst } from '../src/model/backend.js';
import { buildUtilizationModel, LABEL_WIDTH, utilizationLoss } from '../training/network.js';
import { stats, time } from './timing.js';

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      batch: { type: 'string', default: '1024' },
      rounds: { type: 'string', default: '20' },
    },
  });
  const backend = await initTfBackend(() => {});
  const batch = Number(values.batch);
  const rounds = Number(values.rounds);
  if (!(Number.isInteger(batch) && batch > 0)) throw new Error(`--batch must be a positive integer, got "${values.batch}"`);
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`--rounds must be a positive integer, got "${values.rounds}"`);

  const model = buildUtilizationModel(7);
  const optimizer = tf.train.adam(2e-3);
  const x = tf.randomNormal([batch, FEATURE_NAMES.length], 0, 1, 'float32', 1);
  const y = tf.randomUniform([batch, LABEL_WIDTH], 0, 1, 'float32', 2);
  const hidden = tf.randomNormal([batch, 256], 0, 1, 'float32', 3);
  const dy = tf.randomNormal([batch, 128], 0, 1, 'float32', 4);
  const kernel = tf.randomNormal([256, 128], 0, 1, 'float32', 5);
  const step = () => {
    const cost = optimizer.minimize(() => utilizationLoss(y, model.apply(x, { training: true }) as tf.Tensor), true);
    cost!.dataSync();
    cost!.dispose();
  };
  const product = (ta: boolean, a: tf.Tensor2D, b: tf.Tensor2D) => () =>
    tf.tidy(() => void tf.matMul(a, b, ta, !ta).dataSync());
  const measure = () => ({
    step: stats(time(rounds, step)),
    weightGradient: stats(time(rounds, product(true, hidden as tf.Tensor2D, dy as tf.Tensor2D))),
    inputGradient: stats(time(rounds, product(false, dy as tf.Tensor2D, kernel as tf.Tensor2D))),
  });
  transposeOperandsFirst(backend, false);
  const own = measure();
  transposeOperandsFirst(backend, true);
  const explicit = measure();
  for (const t of [x, y, hidden, dy, kernel]) t.dispose();
  model.dispose();
  optimizer.dispose();

  const result = {
    benchmark: 'train-step',
    backend,
    batch,
    rounds,
    backendKernels: own,
    transposeOperandsFirst: explicit,
    stepSpeedup: Number((own.step.medianMs / explicit.step.medianMs).toFixed(2)),
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`training step of the utilization network on ${backend}, batch ${batch}, ${rounds} rounds`);
    for (const [name, r] of [
      ['backend kernels', own],
      ['transposeOperandsFirst', explicit],
    ] as const) {
      console.log(
        `  ${name.padEnd(24)} step median ${r.step.medianMs} ms; xᵀ·dy ${r.weightGradient.medianMs} ms; dy·Wᵀ ${r.inputGradient.medianMs} ms`,
      );
    }
    console.log(`  step speedup ${result.stepSpeedup} ×`);
  }
}
