import { desc, eq, inArray, isNull } from 'drizzle-orm';
import type { MarketView } from '../api/schemas.js';
import { bids, instances, nodes, profiles, rounds } from '../db/schema.js';
import { RESOURCES, type Resource } from '../market/types.js';
import type { ServiceContext } from './context.js';
import { latestUsage } from './latestUsage.js';
import { LIVE_STATES } from './nodeViews.js';
import { iso } from './views.js';

type PerResource = Record<Resource, number>;
const zero = (): PerResource => ({ cpu: 0, memory: 0, network: 0 });

/**
 * The market at a glance: capacity of nodes accepting work, allocation (sum of predicted p95 of live instances: what
 * the engine packs against), used (sum of each live instance's latest reported usage), the last round's clearing
 * prices and the pending demand (declared avg × count of pending bids).
 */
export async function getMarket({ ctx }: { ctx: ServiceContext }): Promise<MarketView> {
  const nodeRows = await ctx.db.select().from(nodes).where(isNull(nodes.removedAt));
  const capacity = zero();
  for (const n of nodeRows) if (!n.draining) for (const r of RESOURCES) capacity[r] += n[r];

  const live = await ctx.db.select().from(instances).where(inArray(instances.state, [...LIVE_STATES]));
  const allocation = zero();
  for (const i of live) for (const r of RESOURCES) allocation[r] += i.prediction[r].p95;
  const usage = await latestUsage(
    ctx.db,
    live.map((i) => i.id),
  );
  const used = zero();
  for (const sample of usage.values()) for (const r of RESOURCES) used[r] += sample[r];

  const pending = await ctx.db
    .select({ count: bids.count, spec: profiles.spec })
    .from(bids)
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(eq(bids.state, 'pending'));
  const demand = zero();
  let pendingInstances = 0;
  for (const b of pending) {
    pendingInstances += b.count;
    for (const r of RESOURCES) demand[r] += b.spec[r].avg * b.count;
  }

  const [lastRound] = await ctx.db.select().from(rounds).orderBy(desc(rounds.id)).limit(1);
  return {
    at: iso(ctx.clock.now()),
    nodes: nodeRows.length,
    capacity,
    allocation,
    used,
    clearingPrices: lastRound?.clearingPrices ?? null,
    lastRoundAt: lastRound ? iso(lastRound.at) : null,
    modelVersion: lastRound?.modelVersion ?? null,
    pendingDemand: { bids: pending.length, instances: pendingInstances, ...demand },
    liveInstances: live.length,
  };
}
