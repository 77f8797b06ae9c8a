import { and, eq } from 'drizzle-orm';
import type { QuoteInput } from '../api/schemas.js';
import { profiles } from '../db/schema.js';
import type { WorkloadProfile } from '../market/types.js';
import type { QuoteTerms } from '../scheduler/engine.js';
import type { ServiceContext } from './context.js';
import { fieldError } from './errors.js';

/**
 * What-if: the engine's estimate for a bid against the current state (a snapshot read after the request arrived,
 * incrementally: quoteSnapshots.ts), computed by the round runner (off the request thread in the server); changes
 * nothing.
 */
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
  const snapshot = await ctx.quoteSnapshots.read();
  const terms: QuoteTerms = { clientId, price: input.price, count: input.count, uninterruptible: input.uninterruptible };
  if (input.priority !== undefined) terms.priority = input.priority;
  if (input.penalty !== undefined) terms.penalty = input.penalty;
  if (input.maxWaitSeconds !== undefined) terms.maxWaitSeconds = input.maxWaitSeconds;
  return ctx.quoteRunner.quote(snapshot, profile, terms, ctx.predictions.current(), snapshot.now % 2 ** 31);
}
