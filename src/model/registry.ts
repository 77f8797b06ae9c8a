import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedbackSample, InterferenceModel, Prediction, Predictor } from '../market/types.js';
import { loadVersion, type LoadedVersion } from './loaded-version.js';
import { validateManifest, type ModelManifest } from './manifest.js';
import { advanceState, initialOnlineState, OnlineCalibrator, parseOnlineState, type OnlineCalibrationState } from './onlineCalibration.js';

/** What one clearing round predicts with: exactly one model version (or the statistical fallback, version null). */
export interface ServingModels {
  version: string | null;
  predictor: Predictor;
  interference: InterferenceModel;
}

/** A round's hold on a version: the version is not disposed until every lease on it is released. */
export interface ModelLease extends ServingModels {
  release(): void;
}

export interface ModelVersionInfo {
  version: string;
  createdAt: string | null;
  active: boolean;
  /** Null when the manifest validates against the serving spec; else why the version cannot be activated. */
  problem: string | null;
  /** The manifest's `featureSpec.version`, null when the manifest lacks one. */
  featureSpecVersion: string | null;
  /** The manifest's data description (trace, instances, period, split), null when absent. */
  data: Record<string, unknown> | null;
  metrics: unknown;
}

export interface RegistryOptions {
  modelsDir: string;
  /** Serves when no model is active (the engine's StatisticalPredictor / StatisticalInterferenceModel). */
  fallback: { predictor: Predictor; interference: InterferenceModel };
  log?: (message: string) => void;
  /** Injectable loader, for tests. */
  load?: (modelsDir: string, version: string) => Promise<LoadedVersion>;
}

interface Entry {
  loaded: LoadedVersion;
  /** What serves: the version's serving predictor, with the online correction when one is tracked. */
  serving: Predictor;
  /** Online recalibration of this version's quantile heads (null until `trackOnline`). */
  calibrator: OnlineCalibrator | null;
  leases: number;
  retired: boolean;
}

/**
 * Where online recalibration keeps each version's state, shared by every process serving it and kept across restarts
 * (the `model_online_calibration` table).
 */
export interface OnlineStateStore {
  load(version: string): Promise<unknown>;
  /**
   * Replaces the version's stored state (unknown when none is stored) by `next(stored)`, atomically against every
   * other update of the same version, and returns what it stored. `next` may run more than once.
   */
  update(version: string, next: (stored: unknown) => OnlineCalibrationState): Promise<OnlineCalibrationState>;
}

/** File in the models folder naming the version to serve at start (written by the CLI and by activate). */
export const ACTIVE_POINTER = 'active.json';

/**
 * Holds the active model version and swaps it without downtime. `acquire()` pins the current version for one
 * round; `activate()` loads, validates and warms the new version up entirely before the swap, which is a single
 * reference assignment, so a round sees either the old version or the new one, never a mix. The old version is
 * disposed when its last lease is released. A failed activation leaves the active version serving.
 */
export class ModelRegistry {
  private activeEntry: Entry | null = null;
  private store: OnlineStateStore | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: (message: string) => void;

  constructor(private readonly options: RegistryOptions) {
    this.log = options.log ?? (() => {});
  }

  get activeVersion(): string | null {
    return this.activeEntry?.loaded.version ?? null;
  }

  /** The validated manifest of the active version (null while the statistical fallback serves). */
  get activeManifest(): ModelManifest | null {
    return this.activeEntry?.loaded.manifest ?? null;
  }

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  /**
   * The models to use right now, without a lease: for a caller that uses them synchronously (the service's
   * clearing round reads `current()` and runs the pure engine without awaiting). This is the service's
   * `PredictionProvider` shape. A caller that awaits while holding the models must use `acquire()`.
   */
  current(): ServingModels {
    const entry = this.activeEntry;
    if (!entry) return { version: null, ...this.options.fallback };
    return { version: entry.loaded.version, predictor: entry.serving, interference: entry.loaded.interference };
  }

  acquire(): ModelLease {
    const entry = this.activeEntry;
    if (!entry) {
      const { predictor, interference } = this.options.fallback;
      return { version: null, predictor, interference, release: () => {} };
    }
    entry.leases += 1;
    let released = false;
    return {
      version: entry.loaded.version,
      predictor: entry.serving,
      interference: entry.loaded.interference,
      release: () => {
        if (released) return;
        released = true;
        entry.leases -= 1;
        this.disposeIfIdle(entry);
      },
    };
  }

  /**
   * Loads and swaps in `version`; rejects (and keeps the active version) if it is corrupt or incompatible.
   * `onSwapped` runs right after the swap, still inside the activation queue (the service records the activation in
   * the database there, so a concurrent `follow` never sees the database lag behind this process).
   */
  activate(version: string, options: { persist?: boolean; onSwapped?: (manifest: ModelManifest) => Promise<void> } = {}): Promise<string> {
    return this.enqueue(async () => {
      await this.swapIn(version, options.persist ?? false);
      if (options.onSwapped && this.activeEntry) await options.onSwapped(this.activeEntry.loaded.manifest);
      return version;
    });
  }

  /**
   * Reads the version that should serve (`target`, e.g. the database's active row) inside the activation queue and
   * swaps it in when it differs from the active one. Returns the version read and whether it was swapped in; rejects
   * like `activate` when that version cannot be loaded (the active one keeps serving). Null from `target` changes
   * nothing.
   */
  follow(target: () => Promise<string | null>): Promise<{ version: string | null; swapped: boolean }> {
    return this.enqueue(async () => {
      const version = await target();
      if (version === null || version === this.activeVersion) return { version, swapped: false };
      await this.swapIn(version, false);
      return { version, swapped: true };
    });
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Recalibrates the quantile heads of the active version, and of every version activated from now on, from
   * feedback (src/model/onlineCalibration.ts): `observeFeedback` counts misses, `stepOnline` moves the correction
   * and saves it in `store`, from which a version's correction is restored when it is activated again.
   */
  trackOnline(store: OnlineStateStore): Promise<void> {
    return this.enqueue(async () => {
      this.store = store;
      if (this.activeEntry) await this.startTracking(this.activeEntry);
    });
  }

  private async startTracking(entry: Entry): Promise<void> {
    if (!this.store) return;
    const { version, manifest } = entry.loaded;
    let state = initialOnlineState();
    try {
      const stored = await this.store.load(version);
      const parsed = stored === null || stored === undefined ? null : parseOnlineState(stored);
      if (stored !== null && stored !== undefined && !parsed) this.log(`model ${version}: stored online calibration is malformed, starting from the static one`);
      if (parsed) state = parsed;
    } catch (error) {
      this.log(`model ${version}: online calibration could not be read, starting from the static one: ${(error as Error).message}`);
    }
    entry.calibrator = new OnlineCalibrator(manifest.calibration, state);
    entry.serving = state.shift.some((s) => s !== 0) ? entry.loaded.servingWith(state.shift) : entry.loaded.servingPredictor;
  }

  /**
   * Counts feedback samples against the prediction that was in force when they arrived (the instance's stored one):
   * only predictions of the active version that carry the model's own tails count.
   */
  observeFeedback(prediction: Prediction | null | undefined, samples: readonly Pick<FeedbackSample, 'cpu' | 'memory' | 'network'>[]): void {
    const entry = this.activeEntry;
    const tails = prediction?.modelTails;
    if (!entry?.calibrator || !tails || prediction.modelVersion !== entry.loaded.version) return;
    for (const sample of samples) entry.calibrator.observeSample(tails, sample);
  }

  /**
   * Adds the feedback this process counted since the last call to the active version's shared state, and steps the
   * correction when a step is due (once per horizon; the first process to find it due takes it for all of them), in
   * one atomic update of the store; a changed correction, this process's step or another's, serves from the next
   * round on. Returns the state saved when this call stepped it, else null. When the store fails, the counts are kept
   * for the next call and the error is thrown.
   */
  async stepOnline(now: number): Promise<OnlineCalibrationState | null> {
    const entry = this.activeEntry;
    const calibrator = entry?.calibrator;
    const store = this.store;
    if (!entry || !calibrator || !store || !calibrator.due(now)) return null;
    const counts = calibrator.takeCounts();
    let stepped = false;
    let saved: OnlineCalibrationState;
    try {
      saved = await store.update(entry.loaded.version, (stored) => {
        const current = parseOnlineState(stored) ?? calibrator.snapshot();
        const result = advanceState(current, counts, now, calibrator.eta);
        stepped = result.stepped;
        return result.state;
      });
    } catch (error) {
      calibrator.restoreCounts(counts);
      throw error;
    }
    if (calibrator.adopt(saved)) entry.serving = entry.loaded.servingWith(saved.shift);
    return stepped ? saved : null;
  }

  /** The active version's online correction (null when none is tracked). */
  get onlineState(): OnlineCalibrationState | null {
    return this.activeEntry?.calibrator?.snapshot() ?? null;
  }

  private async swapIn(version: string, persist: boolean): Promise<void> {
    if (this.activeEntry?.loaded.version === version) return;
    const loaded = await (this.options.load ?? loadVersion)(this.options.modelsDir, version);
    const previous = this.activeEntry;
    const entry: Entry = { loaded, serving: loaded.servingPredictor, calibrator: null, leases: 0, retired: false };
    await this.startTracking(entry);
    this.activeEntry = entry;
    if (previous) {
      previous.retired = true;
      this.disposeIfIdle(previous);
    }
    if (persist) await writeActivePointer(this.options.modelsDir, version);
    this.log(`model ${version} active${previous ? ` (was ${previous.loaded.version})` : ''}`);
  }

  /** Serves the statistical fallback again. */
  deactivate(): Promise<void> {
    return this.enqueue(async () => {
      const previous = this.activeEntry;
      this.activeEntry = null;
      if (previous) {
        previous.retired = true;
        this.disposeIfIdle(previous);
      }
    });
  }

  /** Activates the version named in `active.json`, if any. A broken pointer is logged; the fallback serves. */
  async activateFromPointer(): Promise<string | null> {
    const version = await readActivePointer(this.options.modelsDir);
    if (version === null) return null;
    try {
      return await this.activate(version);
    } catch (error) {
      this.log(`active model ${version} could not be loaded, serving the statistical predictor: ${(error as Error).message}`);
      return null;
    }
  }

  list(): Promise<ModelVersionInfo[]> {
    return listVersions(this.options.modelsDir, this.activeVersion);
  }

  /** Disposes the active version (after its leases); the registry then serves the fallback. */
  close(): Promise<void> {
    return this.deactivate();
  }

  private disposeIfIdle(entry: Entry): void {
    if (entry.retired && entry.leases === 0) {
      entry.loaded.dispose();
      this.log(`model ${entry.loaded.version} disposed`);
    }
  }
}

export async function readActivePointer(modelsDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(modelsDir, ACTIVE_POINTER), 'utf8');
  } catch {
    return null;
  }
  const parsed = JSON.parse(text) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error(`${join(modelsDir, ACTIVE_POINTER)} names no version`);
  return parsed.version;
}

/** Writes the pointer atomically (write a temp file, rename over), so a crash never leaves half a file. */
export async function writeActivePointer(modelsDir: string, version: string): Promise<void> {
  const path = join(modelsDir, ACTIVE_POINTER);
  await writeFile(`${path}.tmp`, `${JSON.stringify({ version }, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Every folder of `modelsDir` holding a manifest.json, newest first, each checked against the serving spec. */
export async function listVersions(modelsDir: string, active: string | null): Promise<ModelVersionInfo[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const out: ModelVersionInfo[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(modelsDir, entry.name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    } catch {
      continue;
    }
    let problem: string | null = null;
    let metrics: unknown = null;
    try {
      const manifest = validateManifest(raw, dir);
      metrics = manifest.metrics;
    } catch (error) {
      problem = (error as Error).message;
    }
    const { createdAt, featureSpec, data } = raw as { createdAt?: unknown; featureSpec?: { version?: unknown }; data?: unknown };
    out.push({
      version: entry.name,
      createdAt: typeof createdAt === 'string' ? createdAt : null,
      active: entry.name === active,
      problem,
      featureSpecVersion: typeof featureSpec?.version === 'string' ? featureSpec.version : null,
      data: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null,
      metrics,
    });
  }
  return out.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.version.localeCompare(a.version));
}
