import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { bids, instances } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { bidView } from './views.js';

export async function loadBidView(db: Executor, clientId: string, bidId: string) {
  const [row] = await db.select().from(bids).where(and(eq(bids.id, bidId), eq(bids.clientId, clientId)));
  if (!row) throw notFound('bid', bidId);
  const owned = await db.select({ id: instances.id }).from(instances).where(eq(instances.bidId, bidId)).orderBy(asc(instances.id));
  return bidView(
    row,
    owned.map((i) => i.id),
  );
}

/** A bid of the caller; another client's bid id answers 404 like a missing one. */
export async function getBid({ ctx, clientId, bidId }: { ctx: ServiceContext; clientId: string; bidId: string }) {
  return loadBidView(ctx.db, clientId, bidId);
}
