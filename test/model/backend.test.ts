import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTfBackend, tf, transposeOperandsFirst } from '../../src/model/backend.js';
import { mulberry32 } from '../../training/random.js';

/** Row-major product of a (m×k) and b (k×n) in doubles, after the requested transpositions of the stored matrices. */
function reference(a: Float32Array, aShape: [number, number], b: Float32Array, bShape: [number, number], ta: boolean, tb: boolean): number[] {
  const at = (x: Float32Array, [rows, cols]: [number, number], t: boolean, i: number, j: number) => (t ? x[j * cols + i]! : x[i * cols + j]!);
  const [m, k] = ta ? [aShape[1], aShape[0]] : aShape;
  const n = tb ? bShape[0] : bShape[1];
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += at(a, aShape, ta, i, p) * at(b, bShape, tb, p, j);
      out.push(sum);
    }
  }
  return out;
}

function random(n: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 4);
}

const COMBOS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('matrix products with transposed operands (transposeOperandsFirst)', () => {
  let backend = '';
  beforeAll(async () => {
    backend = await initTfBackend(() => {});
  });
  afterAll(() => transposeOperandsFirst(backend, true));

  it('runs on the wasm backend, where initTfBackend installs it', () => {
    expect(backend).toBe('wasm');
  });

  it.each(COMBOS)('tf.matMul with transposeA=%s, transposeB=%s equals the product of the transposed matrices', (ta, tb) => {
    const [m, k, n] = [37, 45, 19];
    const aShape: [number, number] = ta ? [k, m] : [m, k];
    const bShape: [number, number] = tb ? [n, k] : [k, n];
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(a, aShape), tf.tensor2d(b, bShape), ta, tb).dataSync());
    expectClose(product, reference(a, aShape, b, bShape, ta, tb));
  });

  it.each(COMBOS)('batched and broadcast products, and the fused product with bias and relu, match the backend kernels (%s, %s)', (ta, tb) => {
    const run = () =>
      tf.tidy(() => {
        const a = tf.tensor3d(random(3 * 6 * 5, 3), ta ? [3, 5, 6] : [3, 6, 5]);
        const b = tf.tensor3d(random(5 * 4, 4), tb ? [1, 4, 5] : [1, 5, 4]);
        const bias = tf.tensor1d(random(4, 5));
        return [
          ...tf.matMul(a, b, ta, tb).dataSync(),
          ...tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }).dataSync(),
        ];
      });
    transposeOperandsFirst(backend, false);
    const own = run();
    transposeOperandsFirst(backend, true);
    expectClose(run(), own);
  });

  it('gives a dense layer the same gradients as the backend kernels, and frees its intermediate transposes', () => {
    const x = tf.tensor2d(random(64 * 45, 6), [64, 45]);
    const w = tf.variable(tf.tensor2d(random(45 * 32, 7), [45, 32]));
    const gradients = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.relu(tf.fused.matMul({ a: x, b: w }))).asScalar(), [w]);
        return Array.from(grads[w.name]!.dataSync());
      });
    transposeOperandsFirst(backend, false);
    const own = gradients();
    transposeOperandsFirst(backend, true);
    gradients();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    expectClose(gradients(), own);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    x.dispose();
    w.dispose();
  });
});
