import { and, eq } from 'drizzle-orm';
import type { QuoteInput } from '../api/schemas.js';
import { profiles } from '../db/schema.js';
import type { WorkloadProfile } from '../market/types.js';
import type { QuoteTerms } from '../scheduler/engine.js';
import { readSnapshot } from '../scheduler/snapshot.js';
import type { ServiceContext } from './context.js';
import { fieldError } from './errors.js';

/** What-if: the engine's estimate for a bid against the current state, read in a read-only transaction; changes nothing. */
export async function quote({ ctx, clientId, input }: { ctx: ServiceContext; clientId: string; input: QuoteInput }) {
  let profile: WorkloadProfile;
  if (input.profile !== undefined) {
    profile = input.profile;
  } else {
    const [row] = await ctx.db
      .select({ spec: profiles.spec })
      .from(profiles)
      .where(and(eq(profiles.id, input.profileId!), eq(profiles.clientId, clientId)));
    if (!row) throw fieldError(['profileId'], `no profile ${JSON.stringify(input.profileId)}`, 'unknown_profile');
    profile = row.spec;
  }
  const now = ctx.clock.now();
  const read = await ctx.db.transaction((tx) => readSnapshot(tx, now, { historySamples: ctx.historySamples, ledgerHalfLifeSeconds: ctx.engine.config.priorityReductionHalfLifeSeconds }), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
  const terms: QuoteTerms = { clientId, price: input.price, count: input.count, uninterruptible: input.uninterruptible };
  if (input.priority !== undefined) terms.priority = input.priority;
  if (input.penalty !== undefined) terms.penalty = input.penalty;
  if (input.maxWaitSeconds !== undefined) terms.maxWaitSeconds = input.maxWaitSeconds;
  const models = ctx.predictions.current();
  return ctx.engine.quote(read.snapshot, profile, terms, {
    predictor: models.predictor,
    interference: models.interference,
    random: ctx.engine.random(now % 2 ** 31),
  });
}
