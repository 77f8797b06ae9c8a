import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tf } from './backend.js';

/** Weights file name inside a model folder; its SHA-256 goes into model.json so corruption is detected on load. */
const WEIGHTS_FILE = 'weights.bin';

export class CorruptModelError extends Error {
  override readonly name = 'CorruptModelError';
}

/**
 * Writes a tfjs LayersModel as `model.json` + `weights.bin` (the tfjs "layers-model" format), without tfjs-node's
 * file:// handler, which is not available here.
 */
export async function saveLayersModel(model: tf.LayersModel, modelJsonPath: string): Promise<void> {
  const dir = dirname(modelJsonPath);
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = weightBytes(artifacts.weightData);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
        sha256: createHash('sha256').update(weights).digest('hex'),
      };
      await writeFile(join(dir, WEIGHTS_FILE), weights);
      await writeFile(modelJsonPath, JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
}

function weightBytes(data: tf.io.WeightData | undefined): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  const buffers = Array.isArray(data) ? data : [data];
  return Buffer.concat(buffers.map((b) => Buffer.from(b)));
}

/** Loads a model saved by `saveLayersModel`, refusing a weights file whose hash or size does not match. */
export async function loadLayersModel(modelJsonPath: string): Promise<tf.LayersModel> {
  let json: {
    modelTopology?: object;
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    sha256?: string;
  };
  try {
    json = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  } catch (cause) {
    throw new CorruptModelError(`${modelJsonPath}: cannot read model.json (${(cause as Error).message})`);
  }
  const group = json.weightsManifest?.[0];
  if (!json.modelTopology || !group || group.paths.length !== 1) {
    throw new CorruptModelError(`${modelJsonPath}: not a single-file tfjs layers model`);
  }
  const weightsPath = join(dirname(modelJsonPath), group.paths[0]!);
  const weights = await readFile(weightsPath).catch((cause: Error) => {
    throw new CorruptModelError(`${weightsPath}: cannot read weights (${cause.message})`);
  });
  const digest = createHash('sha256').update(weights).digest('hex');
  if (json.sha256 && digest !== json.sha256) {
    throw new CorruptModelError(`${weightsPath}: weights are corrupt (sha256 ${digest.slice(0, 12)}…, expected ${json.sha256.slice(0, 12)}…)`);
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
  } catch (cause) {
    throw new CorruptModelError(`${modelJsonPath}: tfjs refused the model (${(cause as Error).message})`);
  }
}
