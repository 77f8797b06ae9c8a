import { asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { bids, instances, profiles } from '../db/schema.js';

export interface LatestSample {
  at: number;
  cpu: number;
  memory: number;
  network: number;
}

/**
 * Instances with their profile and latest feedback sample in one query (a correlated subquery on the
 * (instance_id, at) index), because status reads are the hottest path of the API.
 */
export function selectInstanceRows(db: Executor, where: SQL | undefined) {
  const latest = sql<LatestSample | null>`(
    select json_build_object('at', f.at, 'cpu', f.cpu, 'memory', f.memory, 'network', f.network)
    from feedback f where f.instance_id = ${instances.id}
    order by f.at desc, f.id desc limit 1)`;
  return db
    .select({ instance: instances, profile: profiles.spec, latest })
    .from(instances)
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(where)
    .orderBy(asc(instances.startedAt), asc(instances.id));
}
