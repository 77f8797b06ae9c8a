import { eq } from 'drizzle-orm';
import { instances } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { selectInstanceRows } from './instanceRows.js';
import { instanceView } from './views.js';

/** Every instance of the caller, oldest first. */
export async function listInstances({ ctx, clientId }: { ctx: ServiceContext; clientId: string }) {
  const rows = await selectInstanceRows(ctx.db, eq(instances.clientId, clientId));
  const now = ctx.clock.now();
  return rows.map((r) => instanceView(r.instance, r.profile, r.latest, now));
}
