import { desc, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { feedback } from '../db/schema.js';

/** The most recent feedback sample of each given instance (DISTINCT ON keeps the first row per instance). */
export async function latestUsage(db: Executor, instanceIds: readonly string[]) {
  if (instanceIds.length === 0) return new Map<string, typeof feedback.$inferSelect>();
  const rows = await db
    .selectDistinctOn([feedback.instanceId])
    .from(feedback)
    .where(inArray(feedback.instanceId, [...instanceIds]))
    .orderBy(feedback.instanceId, desc(feedback.at), desc(feedback.id));
  return new Map(rows.map((r) => [r.instanceId, r]));
}
