import type { ServiceContext } from './context.js';
import { nodeViews } from './nodeViews.js';

export async function listNodes({ ctx }: { ctx: ServiceContext }) {
  return nodeViews(ctx.db);
}
