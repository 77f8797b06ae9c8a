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
  /** One output buffer per layer, reused by every forward pass (the stack is used from one thread at a time). */
  private readonly scratch: Float32Array[];

  private constructor(private readonly layers: DenseLayer[]) {
    this.scratch = layers.map((l) => new Float32Array(l.units));
  }

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

  /**
   * Forward pass of one row. The kernel is row-major [inputs, units] as tfjs stores it. The result is a buffer this
   * stack reuses: it is valid until the next call (copy it to keep it).
   */
  forward(row: Float32Array): Float32Array {
    const first = this.scratch[0]!;
    this.firstLayerPart(row, 0, this.inputWidth, true, first);
    return this.forwardFromFirst(first);
  }

  /** Units of the first layer (the length of its pre-activation). */
  get firstUnits(): number {
    return this.layers[0]?.units ?? 0;
  }

  /**
   * out = (bias when `withBias`) + Σ_{from ≤ i < to} row[i] · kernel[i, ·]: the first layer's pre-activation from a
   * range of its inputs. The first layer is linear before its activation, so parts over disjoint input ranges add up
   * to the whole (in float32, up to rounding).
   */
  firstLayerPart(row: Float32Array, from: number, to: number, withBias: boolean, out: Float32Array): Float32Array {
    const layer = this.layers[0]!;
    if (withBias) out.set(layer.bias);
    else out.fill(0);
    accumulate(layer, row, from, to, out);
    return out;
  }

  /** The rest of a forward pass from the first layer's pre-activation `pre` (which it may overwrite). */
  forwardFromFirst(pre: Float32Array): Float32Array {
    activate(this.layers[0]!.activation, pre);
    let x = pre;
    for (let l = 1; l < this.layers.length; l++) {
      const layer = this.layers[l]!;
      const y = this.scratch[l]!;
      y.set(layer.bias);
      accumulate(layer, x, 0, layer.inputs, y);
      activate(layer.activation, y);
      x = y;
    }
    return x;
  }
}

/** out += Σ_{from ≤ i < to} x[i] · kernel[i, ·] (row-major [inputs, units]). */
function accumulate(layer: DenseLayer, x: Float32Array, from: number, to: number, out: Float32Array): void {
  const { kernel, units } = layer;
  for (let i = from; i < to; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const base = i * units;
    for (let j = 0; j < units; j++) out[j]! += xi * kernel[base + j]!;
  }
}

function activate(activation: Activation, y: Float32Array): void {
  if (activation === 'relu') for (let j = 0; j < y.length; j++) y[j] = Math.max(0, y[j]!);
  else if (activation === 'softplus') for (let j = 0; j < y.length; j++) y[j] = Math.log1p(Math.exp(y[j]!));
}
