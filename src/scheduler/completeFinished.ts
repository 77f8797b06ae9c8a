import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { bids, instances, profiles } from '../db/schema.js';
import { LIVE_STATES } from '../service/nodeViews.js';

/**
 * Whether an instance's declared runtime has elapsed at `now`: the rule `completeFinished` applies in SQL, for a
 * snapshot to tell cheaply whether that UPDATE has anything to do. Keep the two the same.
 */
export function hasFinished(instance: { startedAt: number; profile: { expectedRuntimeSeconds: number } }, now: number): boolean {
  return instance.startedAt + instance.profile.expectedRuntimeSeconds * 1000 <= now;
}

/**
 * Marks live instances whose declared `expectedRuntimeSeconds` have elapsed as completed (`hasFinished`), and returns
 * their ids. Parley has no separate "done" call, so the declared runtime is the contract for when an instance frees
 * its capacity.
 */
export async function completeFinished(db: Executor, now: number): Promise<string[]> {
  const done = await db
    .update(instances)
    .set({ state: 'completed', endedAt: now, notice: null, version: sql`${instances.version} + 1` })
    .from(bids)
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(
      and(
        eq(instances.bidId, bids.id),
        inArray(instances.state, [...LIVE_STATES]),
        sql`${instances.startedAt} + ((${profiles.spec}->>'expectedRuntimeSeconds')::float8 * 1000) <= ${now}`,
      ),
    )
    .returning({ id: instances.id });
  return done.map((d) => d.id);
}
