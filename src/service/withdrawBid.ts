import { and, eq } from 'drizzle-orm';
import { bids } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { DomainError, notFound } from './errors.js';
import { loadBidView } from './getBid.js';

/** Withdraws a pending bid. The conditional update races safely with a clearing round deciding the same bid. */
export async function withdrawBid({ ctx, clientId, bidId }: { ctx: ServiceContext; clientId: string; bidId: string }) {
  return ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(bids)
      .set({ state: 'withdrawn', reason: 'withdrawn', decidedAt: ctx.clock.now() })
      .where(and(eq(bids.id, bidId), eq(bids.clientId, clientId), eq(bids.state, 'pending')))
      .returning({ id: bids.id });
    if (updated.length === 0) {
      const [row] = await tx.select({ state: bids.state }).from(bids).where(and(eq(bids.id, bidId), eq(bids.clientId, clientId)));
      if (!row) throw notFound('bid', bidId);
      throw new DomainError('bid_not_pending', `bid ${bidId} is ${row.state}; only a pending bid can be withdrawn`);
    }
    return loadBidView(tx, clientId, bidId);
  });
}
