import type { tf } from './backend.js';

type Activation = 'relu' | 'linear' | 'softplus';
/** One dense layer as plain data (typed arrays survive structured clone, so a stack can be sent to a worker). */
export interface DenseLayer {
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
  activation: Activation;
}

/**
 * A stack of dense layers copied out of a trained tfjs model and evaluated in plain JS. The interference model is
 * called once per (candidate, node) pair, synchronously, thousands of times per round; a tfjs call costs ~0.1 ms
 * of fixed overhead, while this 16→32→16→1 network costs about a microsecond per row in JS.
 */
export class DenseStack {
  private constructor(private readonly layers: DenseLayer[]) {}

  static fromLayersModel(model: tf.LayersModel): DenseStack {
    const layers: DenseLayer[] = [];
    for (const layer of model.layers) {
      const config = layer.getConfig();
      if (layer.getClassName() === 'InputLayer') continue;
      if (layer.getClassName() !== 'Dense') throw new Error(`DenseStack cannot run a ${layer.getClassName()} layer`);
      const activation = String(config['activation'] ?? 'linear') as Activation;
      if (!['relu', 'linear', 'softplus'].includes(activation)) throw new Error(`unsupported activation ${activation}`);
      const [kernel, bias] = layer.getWeights();
      if (!kernel || !bias) throw new Error(`dense layer ${layer.name} has no bias`);
      const [inputs, units] = kernel.shape as [number, number];
      layers.push({
        kernel: kernel.dataSync() as Float32Array,
        bias: bias.dataSync() as Float32Array,
        inputs,
        units,
        activation,
      });
    }
    return new DenseStack(layers);
  }

  /** Rebuilds a stack from `toLayers()` output, e.g. after structured clone into a worker thread. */
  static fromLayers(layers: readonly DenseLayer[]): DenseStack {
    for (const l of layers) {
      if (l.kernel.length !== l.inputs * l.units || l.bias.length !== l.units) {
        throw new RangeError(`dense layer of ${l.inputs}→${l.units} has ${l.kernel.length} weights and ${l.bias.length} biases`);
      }
    }
    return new DenseStack(layers.map((l) => ({ ...l })));
  }

  /** The layers as plain data (the arrays are shared, not copied; nothing mutates them). */
  toLayers(): DenseLayer[] {
    return this.layers.map((l) => ({ ...l }));
  }

  get inputWidth(): number {
    return this.layers[0]?.inputs ?? 0;
  }

  get outputWidth(): number {
    return this.layers[this.layers.length - 1]?.units ?? 0;
  }

  /** Forward pass of one row. The kernel is row-major [inputs, units] as tfjs stores it. */
  forward(row: Float32Array): Float32Array {
    let x = row;
    for (const layer of this.layers) {
      const y = Float32Array.from(layer.bias);
      for (let i = 0; i < layer.inputs; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        const base = i * layer.units;
        for (let j = 0; j < layer.units; j++) y[j]! += xi * layer.kernel[base + j]!;
      }
      if (layer.activation === 'relu') for (let j = 0; j < y.length; j++) y[j] = Math.max(0, y[j]!);
      else if (layer.activation === 'softplus') for (let j = 0; j < y.length; j++) y[j] = Math.log1p(Math.exp(y[j]!));
      x = y;
    }
    return x;
  }
}
