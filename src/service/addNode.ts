import { eq, sql } from 'drizzle-orm';
import type { NodeInput } from '../api/schemas.js';
import { nodes } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { DomainError } from './errors.js';

/** Adds capacity. A previously removed node id may come back (with new capacities); a live one is a conflict. */
export async function addNode({ ctx, input }: { ctx: ServiceContext; input: NodeInput }) {
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(nodes).where(eq(nodes.id, input.id)).for('update');
    if (existing && existing.removedAt === null) {
      throw new DomainError('node_exists', `node ${JSON.stringify(input.id)} already exists`);
    }
    const fields = { cpu: input.cpu, memory: input.memory, network: input.network, labels: input.labels };
    if (existing) {
      await tx
        .update(nodes)
        .set({ ...fields, draining: false, removedAt: null, version: sql`${nodes.version} + 1` })
        .where(eq(nodes.id, input.id));
    } else {
      await tx.insert(nodes).values({ id: input.id, ...fields, createdAt: ctx.clock.now() });
    }
    return { id: input.id, ...fields, draining: false, instances: 0 };
  });
}
