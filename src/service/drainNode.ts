import { and, eq, isNull, sql } from 'drizzle-orm';
import { nodes } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { nodeViews } from './nodeViews.js';

/**
 * Starts draining a node: it accepts nothing new, and the clearing rounds give its instances notice and move or
 * preempt them under the usual contract rules (reason `drain`). The round removes the node once it is empty.
 */
export async function drainNode({ ctx, nodeId }: { ctx: ServiceContext; nodeId: string }) {
  return ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(nodes)
      .set({ draining: true, version: sql`${nodes.version} + 1` })
      .where(and(eq(nodes.id, nodeId), isNull(nodes.removedAt)))
      .returning({ id: nodes.id });
    if (updated.length === 0) throw notFound('node', nodeId);
    const [view] = await nodeViews(tx, eq(nodes.id, nodeId));
    return view!;
  });
}
