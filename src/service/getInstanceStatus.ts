import { and, eq } from 'drizzle-orm';
import { bids, instances, profiles } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { latestUsage } from './latestUsage.js';
import { instanceView } from './views.js';

/** One of the caller's instances; another client's instance id answers 404 like a missing one. */
export async function getInstanceStatus({ ctx, clientId, instanceId }: { ctx: ServiceContext; clientId: string; instanceId: string }) {
  const [row] = await ctx.db
    .select({ instance: instances, profile: profiles.spec })
    .from(instances)
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(and(eq(instances.id, instanceId), eq(instances.clientId, clientId)));
  if (!row) throw notFound('instance', instanceId);
  const usage = await latestUsage(ctx.db, [instanceId]);
  return instanceView(row.instance, row.profile, usage.get(instanceId), ctx.clock.now());
}
