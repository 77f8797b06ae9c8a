import { and, eq, sql } from 'drizzle-orm';
import type { FeedbackInput } from '../api/schemas.js';
import { feedback, instances } from '../db/schema.js';
import type { Prediction } from '../market/types.js';
import type { ServiceContext } from './context.js';
import { fieldError, notFound } from './errors.js';
import { idempotent, type StoredResponse } from './idempotency.js';

/**
 * Tolerated client clock skew for "not in the future": NTP-synced hosts agree within milliseconds, so 5 s only
 * absorbs request latency and sloppy clocks while still refusing samples stamped ahead of time.
 */
export const FUTURE_SKEW_MS = 5_000;

export type FeedbackAccepted = { accepted: number };

/** Rows per INSERT: 9 parameters each stays far below PostgreSQL's 65,535 parameters per statement. */
const INSERT_CHUNK = 1000;

/**
 * Stores utilization samples of one of the caller's instances; they feed the predictor and retraining. Once stored,
 * the samples are also counted against the prediction the instance held when they arrived, for the online
 * recalibration of the active model (ModelRegistry.observeFeedback; a replayed request is not counted again).
 */
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
  let heldPrediction: Prediction | null = null;
  const response = await idempotent<FeedbackAccepted>(
    ctx,
    { clientId, route: 'provide_runtime_feedback', key: idempotencyKey, request: input },
    async (tx) => {
      // Ownership, and the prediction the instance holds (what online recalibration counts the samples against).
      const [owned] = await tx
        .select({ prediction: instances.prediction })
        .from(instances)
        .where(and(eq(instances.id, input.instanceId), eq(instances.clientId, clientId)));
      if (!owned) throw notFound('instance', input.instanceId);
      heldPrediction = owned.prediction;
      const rows = input.samples.map((s, i) => ({
        instanceId: input.instanceId,
        clientId,
        at: at[i]!,
        cpu: s.cpu,
        memory: s.memory,
        network: s.network,
        slowdown: s.slowdown ?? null,
        receivedAt: now,
      }));
      let lastId = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const stored = await tx.insert(feedback).values(rows.slice(i, i + INSERT_CHUNK)).returning({ id: feedback.id });
        for (const { id } of stored) if (id > lastId) lastId = id;
      }
      // The instance row is written once, after the samples: its count tells the clearing round that the history
      // changed, and its largest feedback id which samples are new (both commit with the samples). Writing it twice,
      // around the inserts' foreign-key locks, deadlocked on PostgreSQL with a round locking every live instance
      // (bench http --lines feedback). Two writers of one instance may commit out of id order; the round then finds
      // new samples that do not add up to the count and reads that history whole (src/scheduler/snapshot.ts).
      await tx
        .update(instances)
        .set({
          feedbackCount: sql`${instances.feedbackCount} + ${input.samples.length}`,
          lastFeedbackId: sql`greatest(${instances.lastFeedbackId}, ${lastId}::bigint)`,
        })
        .where(eq(instances.id, input.instanceId));
      return { status: 202, body: { accepted: input.samples.length } };
    },
    { atomic: true },
  );
  ctx.statusCache.invalidate(input.instanceId);
  if (heldPrediction) ctx.models?.observeFeedback(heldPrediction, input.samples);
  return response;
}
