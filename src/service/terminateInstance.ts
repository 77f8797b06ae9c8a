import { and, eq, inArray, sql } from 'drizzle-orm';
import { instances } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { DomainError, notFound } from './errors.js';
import { selectInstanceRows } from './instanceRows.js';
import { LIVE_STATES } from './nodeViews.js';
import { instanceView } from './views.js';

/**
 * Stops one of the caller's running or notified instances: it becomes `terminated` with its runtime ending now, and
 * its capacity is free for the next clearing round, which is asked to run at once. The change bumps the instance's
 * version, so a round computed before it is not applied (applyPlan re-checks what it read) but recomputed without
 * the instance. A voluntary stop costs nothing and is owed nothing: no ledger entry, no fee.
 *
 * Idempotent: terminating an instance that is already terminated answers its status again. A preempted or completed
 * instance has ended otherwise: 409 instance_finished. Another client's instance answers 404 like a missing one.
 */
export async function terminateInstance({ ctx, clientId, instanceId }: { ctx: ServiceContext; clientId: string; instanceId: string }) {
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const owned = and(eq(instances.id, instanceId), eq(instances.clientId, clientId));
    const stopped = await tx
      .update(instances)
      .set({ state: 'terminated', endedAt: now, notice: null, version: sql`${instances.version} + 1` })
      .where(and(owned, inArray(instances.state, [...LIVE_STATES])))
      .returning({ id: instances.id });
    const [current] = await selectInstanceRows(tx, owned);
    if (!current) throw notFound('instance', instanceId);
    if (stopped.length === 0 && current.instance.state !== 'terminated') {
      throw new DomainError(
        'instance_finished',
        `instance ${instanceId} is ${current.instance.state}; only a running or notified instance can be terminated`,
      );
    }
    return { current, stopped: stopped.length > 0 };
  });
  if (row.stopped) {
    ctx.statusCache.invalidate(instanceId);
    ctx.rounds.capacityFreed();
  }
  const { instance, profile, latest } = row.current;
  return instanceView(instance, profile, latest, now);
}
