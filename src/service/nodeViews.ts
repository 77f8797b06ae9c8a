import { and, count, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { instances, nodes } from '../db/schema.js';
import type { NodeView } from '../api/schemas.js';
import type { MarketNode } from '../market/types.js';

export const LIVE_STATES = ['running', 'notified'] as const;

/** A node row as the engine sees it. */
export function marketNode(n: typeof nodes.$inferSelect): MarketNode {
  return { id: n.id, cpu: n.cpu, memory: n.memory, network: n.network, labels: n.labels, draining: n.draining };
}

/** Nodes not yet removed, each with its number of live instances. */
export async function nodeViews(db: Executor, where = isNull(nodes.removedAt)): Promise<NodeView[]> {
  const rows = await db.select().from(nodes).where(where).orderBy(nodes.id);
  const counts = await db
    .select({ nodeId: instances.nodeId, n: count() })
    .from(instances)
    .where(and(inArray(instances.state, [...LIVE_STATES])))
    .groupBy(instances.nodeId);
  const byNode = new Map(counts.map((c) => [c.nodeId, Number(c.n)]));
  return rows.map((n) => ({ ...marketNode(n), instances: byNode.get(n.id) ?? 0 }));
}
