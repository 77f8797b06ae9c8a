import { asc, eq } from 'drizzle-orm';
import { bids, instances, profiles } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { latestUsage } from './latestUsage.js';
import { instanceView } from './views.js';

/** Every instance of the caller, oldest first. */
export async function listInstances({ ctx, clientId }: { ctx: ServiceContext; clientId: string }) {
  const rows = await ctx.db
    .select({ instance: instances, profile: profiles.spec })
    .from(instances)
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(eq(instances.clientId, clientId))
    .orderBy(asc(instances.startedAt), asc(instances.id));
  const usage = await latestUsage(
    ctx.db,
    rows.map((r) => r.instance.id),
  );
  const now = ctx.clock.now();
  return rows.map((r) => instanceView(r.instance, r.profile, usage.get(r.instance.id), now));
}
