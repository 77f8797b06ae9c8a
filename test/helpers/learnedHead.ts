/** A small learned-style interference head with fixed weights (features→4→2 quantiles), plain JS like a loaded model's. */
import { INTERFERENCE_FEATURE_NAMES } from '../../src/features/interference.js';
import { DenseStack } from '../../src/model/dense.js';
import { TfjsInterferenceModel } from '../../src/model/interference.js';

export function learnedInterference(): TfjsInterferenceModel {
  const width = INTERFERENCE_FEATURE_NAMES.length;
  const hidden = 4;
  const kernel1 = Float32Array.from({ length: width * hidden }, (_, i) => Math.sin(i + 1) / 4);
  const kernel2 = Float32Array.from({ length: hidden * 2 }, (_, i) => 0.05 * (i + 1));
  const head = DenseStack.fromLayers([
    { kernel: kernel1, bias: new Float32Array(hidden), inputs: width, units: hidden, activation: 'relu' },
    { kernel: kernel2, bias: Float32Array.of(0.01, 0.05), inputs: hidden, units: 2, activation: 'linear' },
  ]);
  return new TfjsInterferenceModel('v-test', head, { mean: new Array(width).fill(0), std: new Array(width).fill(1) });
}
