import { readFileSync } from 'node:fs';
import { count } from 'drizzle-orm';
import { z } from 'zod';
import { nodeInputSchema } from '../api/schemas.js';
import { nodes } from '../db/schema.js';
import type { ServiceContext } from './context.js';

const clusterFileSchema = z.object({ description: z.string().optional(), nodes: z.array(nodeInputSchema).min(1) });

/**
 * Loads the committed demo cluster when the database has never had a node, so `npm start` gives a working market
 * with no setup. Returns the number of nodes added (0 when nodes already exist).
 */
export async function loadDemoCluster({ ctx, path }: { ctx: ServiceContext; path: string }): Promise<number> {
  const parsed = clusterFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`demo cluster ${path} is invalid: ${parsed.error.message}`);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select({ n: count() }).from(nodes);
    if (Number(existing?.n ?? 0) > 0) return 0;
    const now = ctx.clock.now();
    await tx.insert(nodes).values(parsed.data.nodes.map((n) => ({ ...n, createdAt: now })));
    return parsed.data.nodes.length;
  });
}
