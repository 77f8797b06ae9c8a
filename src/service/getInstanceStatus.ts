import { and, eq } from 'drizzle-orm';
import { instances } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { selectInstanceRows } from './instanceRows.js';
import { instanceView } from './views.js';

/** One of the caller's instances; another client's instance id answers 404 like a missing one. */
export async function getInstanceStatus({ ctx, clientId, instanceId }: { ctx: ServiceContext; clientId: string; instanceId: string }) {
  const [row] = await selectInstanceRows(ctx.db, and(eq(instances.id, instanceId), eq(instances.clientId, clientId)));
  if (!row) throw notFound('instance', instanceId);
  return instanceView(row.instance, row.profile, row.latest, ctx.clock.now());
}
