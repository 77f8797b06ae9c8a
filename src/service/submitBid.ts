import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { SubmitBidInput } from '../api/schemas.js';
import { bids, profiles } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { fieldError } from './errors.js';
import { idempotent, type StoredResponse } from './idempotency.js';

/** Whether the client owns the profile; remembered per process since a profile never changes owner. */
async function ownsProfile(ctx: ServiceContext, db: Executor, clientId: string, profileId: string): Promise<boolean> {
  const known = ctx.profileOwners.get(profileId);
  if (known !== undefined) return known === clientId;
  const [profile] = await db.select({ clientId: profiles.clientId }).from(profiles).where(eq(profiles.id, profileId));
  if (!profile) return false;
  ctx.profileOwners.set(profileId, profile.clientId);
  return profile.clientId === clientId;
}

export type BidCreated = { bidId: string; state: 'pending' };

/** Records a pending bid for one of the caller's profiles; the next clearing round decides it. */
export async function submitBid({
  ctx,
  clientId,
  input,
  idempotencyKey,
}: {
  ctx: ServiceContext;
  clientId: string;
  input: SubmitBidInput;
  idempotencyKey: string | undefined;
}): Promise<StoredResponse<BidCreated>> {
  const response = await idempotent<BidCreated>(
    ctx,
    { clientId, route: 'submit_bid', key: idempotencyKey, request: input },
    async (tx) => {
      if (!(await ownsProfile(ctx, tx, clientId, input.profileId))) {
        throw fieldError(['profileId'], `no profile ${JSON.stringify(input.profileId)}`, 'unknown_profile');
      }
      const bidId = ctx.newId('bid');
      await tx.insert(bids).values({
        id: bidId,
        clientId,
        profileId: input.profileId,
        price: input.price,
        priority: input.priority ?? null,
        count: input.count,
        uninterruptible: input.uninterruptible,
        penalty: input.penalty ?? null,
        maxWaitSeconds: input.maxWaitSeconds ?? null,
        state: 'pending',
        submittedAt: ctx.clock.now(),
      });
      return { status: 201, body: { bidId, state: 'pending' } };
    },
  );
  ctx.rounds.bidArrived();
  return response;
}
