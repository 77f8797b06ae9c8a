import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptModelError } from '../model/artifacts.js';
import { IncompatibleModelError } from '../model/manifest.js';
import { listModelVersionRows, recordModelActivation } from '../model/versionTable.js';
import type { ServiceContext } from './context.js';
import { DomainError, notFound } from './errors.js';

export interface ActivationView {
  version: string;
  /** The version that served before (null: the statistical fallback). */
  previous: string | null;
  activatedAt: string;
}

const isDirectory = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * Loads `version` from the models folder, validates its manifest against this server's feature spec, warms it up
 * and swaps it in (ModelRegistry.activate); rounds already running finish on the version they took. Only then is
 * the activation recorded: `models/active.json` and the `model_versions` row (one transaction), which every other
 * service process on this database follows within seconds (src/model/activeVersionSync.ts). A refused version
 * changes nothing and the active version keeps serving.
 */
export async function activateModel({ ctx, version }: { ctx: ServiceContext; version: string }): Promise<ActivationView> {
  const registry = ctx.models;
  if (!registry) throw new DomainError('not_ready', 'This service runs without a model registry; no version can be activated');
  const dir = join(registry.modelsDir, version);
  if (!(await isDirectory(dir))) {
    const registered = (await listModelVersionRows(ctx.db)).some((row) => row.version === version);
    if (!registered) throw notFound('model version', version);
    throw new DomainError('not_found', `model version ${JSON.stringify(version)} is registered but not in the models folder ${registry.modelsDir}`);
  }
  const previous = registry.activeVersion;
  try {
    // Recorded inside the registry's activation queue: every process sharing the database follows that row
    // (ActiveVersionSync), this one included, so the record must never lag behind the swap it describes.
    await registry.activate(version, { persist: true, onSwapped: (manifest) => recordModelActivation(ctx.db, manifest, dir) });
  } catch (error) {
    if (error instanceof IncompatibleModelError) throw new DomainError('model_incompatible', error.message);
    if (error instanceof CorruptModelError) throw new DomainError('model_corrupt', error.message);
    throw error;
  }
  return { version, previous, activatedAt: new Date(ctx.clock.now()).toISOString() };
}
