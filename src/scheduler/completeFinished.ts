import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';

/**
 * Marks live instances whose declared `expectedRuntimeSeconds` have elapsed as completed. Parley has no separate
 * "done" call, so the declared runtime is the contract for when an instance frees its capacity.
 */
export async function completeFinished(db: Executor, now: number): Promise<void> {
  await db.execute(sql`
    update instances i set state = 'completed', ended_at = ${now}, notice = null, version = i.version + 1
    from bids b, profiles p
    where i.bid_id = b.id and b.profile_id = p.id
      and i.state in ('running', 'notified')
      and i.started_at + ((p.spec->>'expectedRuntimeSeconds')::float8 * 1000) <= ${now}`);
}
