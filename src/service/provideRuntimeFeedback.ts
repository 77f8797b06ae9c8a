import { and, eq } from 'drizzle-orm';
import type { FeedbackInput } from '../api/schemas.js';
import { feedback, instances } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { fieldError, notFound } from './errors.js';
import { idempotent, type StoredResponse } from './idempotency.js';

/**
 * Tolerated client clock skew for "not in the future": NTP-synced hosts agree within milliseconds, so 5 s only
 * absorbs request latency and sloppy clocks while still refusing samples stamped ahead of time.
 */
export const FUTURE_SKEW_MS = 5_000;

export type FeedbackAccepted = { accepted: number };

/** Stores utilization samples of one of the caller's instances; they feed the predictor and retraining. */
export async function provideRuntimeFeedback({
  ctx,
  clientId,
  input,
  idempotencyKey,
}: {
  ctx: ServiceContext;
  clientId: string;
  input: FeedbackInput;
  idempotencyKey: string | undefined;
}): Promise<StoredResponse<FeedbackAccepted>> {
  const now = ctx.clock.now();
  const at = input.samples.map((s) => Date.parse(s.at));
  at.forEach((t, i) => {
    if (t > now + FUTURE_SKEW_MS) throw fieldError(['samples', i, 'at'], 'sample time is in the future');
  });
  const response = await idempotent<FeedbackAccepted>(
    ctx,
    { clientId, route: 'provide_runtime_feedback', key: idempotencyKey, request: input },
    async (tx) => {
      const [owned] = await tx
        .select({ id: instances.id })
        .from(instances)
        .where(and(eq(instances.id, input.instanceId), eq(instances.clientId, clientId)));
      if (!owned) throw notFound('instance', input.instanceId);
      await tx.insert(feedback).values(
        input.samples.map((s, i) => ({
          instanceId: input.instanceId,
          clientId,
          at: at[i]!,
          cpu: s.cpu,
          memory: s.memory,
          network: s.network,
          slowdown: s.slowdown ?? null,
          receivedAt: now,
        })),
      );
      return { status: 202, body: { accepted: input.samples.length } };
    },
  );
  ctx.statusCache.invalidate(input.instanceId);
  return response;
}
