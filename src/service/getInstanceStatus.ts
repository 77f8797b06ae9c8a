import { eq } from 'drizzle-orm';
import { instances } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { selectInstanceRows } from './instanceRows.js';
import { instanceStatusJson } from './views.js';

/**
 * One of the caller's instances, as JSON text (status reads are the hottest path: see statusCache.ts and
 * instanceStatusJson); another client's instance id answers 404 like a missing one.
 */
export async function getInstanceStatus({ ctx, clientId, instanceId }: { ctx: ServiceContext; clientId: string; instanceId: string }) {
  let row = ctx.statusCache.get(instanceId);
  if (!row) {
    const token = ctx.statusCache.token();
    const readAt = ctx.statusCache.now();
    [row] = await selectInstanceRows(ctx.db, eq(instances.id, instanceId));
    if (row) ctx.statusCache.set(row, token, readAt);
  }
  if (!row || row.instance.clientId !== clientId) throw notFound('instance', instanceId);
  return instanceStatusJson(row, ctx.clock.now());
}
