import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let chosen: Promise<string> | null = null;

/**
 * Selects the TensorFlow.js backend once per process: tfjs-node when it is importable (it is not installable on
 * our machines), else wasm, else the pure-JS cpu backend. Logs which one runs, because a 50× slower backend
 * would otherwise look like a model regression.
 */
export function initTfBackend(log: (message: string) => void = (m) => console.error(m)): Promise<string> {
  chosen ??= (async () => {
    try {
      const nodeBackend = '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ nodeBackend);
      if (await tf.setBackend('tensorflow')) {
        log('tfjs backend: tensorflow (tfjs-node)');
        return 'tensorflow';
      }
    } catch {
      // not installed: expected here
    }
    for (const name of ['wasm', 'cpu']) {
      if (await tf.setBackend(name).catch(() => false)) {
        await tf.ready();
        if (name === 'wasm') transposeOperandsFirst('wasm');
        log(`tfjs backend: ${name}`);
        return name;
      }
    }
    throw new Error('no TensorFlow.js backend could be initialized (tried tensorflow, wasm, cpu)');
  })();
  return chosen;
}

/** The matrix-product kernels whose transposed-operand path `transposeOperandsFirst` replaces. */
const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/** The backends' own kernels, by `kernel/backend`, while `transposeOperandsFirst` has replaced them. */
const originals = new Map<string, tf.KernelConfig>();

/**
 * Makes `backend`'s matrix products transpose an operand explicitly (with its Transpose kernel) and then multiply
 * without transposition, instead of passing `transposeA` / `transposeB` to the product (`enabled` false restores the
 * backend's own kernels; the benchmark and the test compare both). tfjs-backend-wasm 4.22's BatchMatMul takes its
 * fast path only for untransposed operands: on this project's machine a 1024×256 by 1024×128 product with transposeA
 * took 87 ms, against 6 ms for transpose-then-multiply (`npm run -s bench -- train-step --json`). Every dense layer's
 * gradient multiplies by a transposed operand (dW = xᵀ·dy, dx = dy·Wᵀ), so training spent most of its time there.
 * The product is the same (test/model/backend.test.ts); inference, which never transposes, takes the same path as
 * before. Idempotent.
 */
export function transposeOperandsFirst(backend: string, enabled = true): void {
  for (const kernelName of MATMUL_KERNELS) {
    const key = `${kernelName}/${backend}`;
    const own = originals.get(key);
    if (!enabled) {
      if (own) {
        tf.unregisterKernel(kernelName, backend);
        tf.registerKernel(own);
        originals.delete(key);
      }
      continue;
    }
    if (own) continue;
    const original = tf.getKernel(kernelName, backend);
    const transpose = tf.getKernel('Transpose', backend);
    if (!original || !transpose) continue;
    const kernelFunc: tf.KernelFunc = ({ inputs, backend: impl, attrs }) => {
      const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend: impl, attrs });
      const made: tf.TensorInfo[] = [];
      const flip = (x: tf.TensorInfo): tf.TensorInfo => {
        const rank = x.shape.length;
        const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
        const out = transpose.kernelFunc({ inputs: { x }, backend: impl, attrs: { perm } }) as tf.TensorInfo;
        made.push(out);
        return out;
      };
      const a = inputs['a'] as tf.TensorInfo;
      const b = inputs['b'] as tf.TensorInfo;
      try {
        return original.kernelFunc({
          inputs: { ...inputs, a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
          backend: impl,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of made) (impl as tf.KernelBackend).disposeData(t.dataId);
      }
    };
    tf.unregisterKernel(kernelName, backend);
    tf.registerKernel({ ...original, kernelFunc });
    originals.set(key, original);
  }
}

export { tf };
