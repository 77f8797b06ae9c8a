import { desc, eq } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.js';
import { modelOnlineCalibration, modelVersions } from '../db/schema.js';
import type { ModelManifest } from './manifest.js';
import type { OnlineStateStore } from './registry.js';

/** A model version as the service's `model_versions` table records it. */
export interface ModelVersionRow {
  version: string;
  path: string;
  manifest: unknown;
  createdAt: number;
  active: boolean;
}

/** Records a trained version (idempotent: registering the same version twice keeps the first row). */
export async function registerModelVersion(db: Executor, manifest: ModelManifest, path: string): Promise<void> {
  await db
    .insert(modelVersions)
    .values({ version: manifest.version, path, manifest, createdAt: Date.parse(manifest.createdAt), active: false })
    .onConflictDoNothing({ target: modelVersions.version });
}

/** Marks `version` as the only active one, in one transaction; false when the version is not registered. */
export async function markModelVersionActive(db: Db, version: string): Promise<boolean> {
  return db.transaction((tx) => setOnlyActive(tx, version));
}

/**
 * Records an activation in one transaction: registers the version first if it is only on disk (a version copied
 * into the models folder by hand, or trained without a database), then makes it the only active row.
 */
export async function recordModelActivation(db: Db, manifest: ModelManifest, path: string): Promise<void> {
  await db.transaction(async (tx) => {
    await registerModelVersion(tx, manifest, path);
    await setOnlyActive(tx, manifest.version);
  });
}

async function setOnlyActive(tx: Executor, version: string): Promise<boolean> {
  const found = await tx.select({ version: modelVersions.version }).from(modelVersions).where(eq(modelVersions.version, version));
  if (found.length === 0) return false;
  await tx.update(modelVersions).set({ active: false }).where(eq(modelVersions.active, true));
  await tx.update(modelVersions).set({ active: true }).where(eq(modelVersions.version, version));
  return true;
}

export async function listModelVersionRows(db: Executor): Promise<ModelVersionRow[]> {
  return db.select().from(modelVersions).orderBy(desc(modelVersions.createdAt));
}

/** The version `model_versions` marks active (the last recorded activation), or null when none is. */
export async function activeModelVersion(db: Executor): Promise<string | null> {
  const rows = await db.select({ version: modelVersions.version }).from(modelVersions).where(eq(modelVersions.active, true)).limit(1);
  return rows[0]?.version ?? null;
}

/**
 * The `model_online_calibration` table as the registry's OnlineStateStore (src/model/registry.ts `trackOnline`). An
 * update locks the version's row (created first if missing, so two processes never both insert it) for the read and
 * the write: concurrent updates from several processes apply one after the other, none lost.
 */
export function onlineStateStore(db: Db, now: () => number): OnlineStateStore {
  return {
    load: async (version) => {
      const rows = await db.select({ state: modelOnlineCalibration.state }).from(modelOnlineCalibration).where(eq(modelOnlineCalibration.version, version));
      return rows[0]?.state ?? null;
    },
    update: (version, next) =>
      db.transaction(async (tx) => {
        const locked = () =>
          tx.select({ state: modelOnlineCalibration.state }).from(modelOnlineCalibration).where(eq(modelOnlineCalibration.version, version)).for('update');
        let [row] = await locked();
        if (!row) {
          // The version's first update: a placeholder no other transaction sees (replaced below, before the commit);
          // a concurrent first update waits on it and then finds the row.
          await tx.insert(modelOnlineCalibration).values({ version, state: {}, updatedAt: now() }).onConflictDoNothing();
          [row] = await locked();
        }
        const state = next(row?.state ?? null);
        await tx.update(modelOnlineCalibration).set({ state, updatedAt: now() }).where(eq(modelOnlineCalibration.version, version));
        return state;
      }),
  };
}
