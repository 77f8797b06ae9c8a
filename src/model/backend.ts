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
        log(`tfjs backend: ${name}`);
        return name;
      }
    }
    throw new Error('no TensorFlow.js backend could be initialized (tried tensorflow, wasm, cpu)');
  })();
  return chosen;
}

export { tf };
