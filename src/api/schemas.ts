/**
 * The API's request and response contracts (zod, with OpenAPI metadata). Field names are a public contract.
 * Units: CPU in cores, memory in MiB, network in Mbps, money per instance-hour, times ISO 8601 or `...Seconds`.
 */
import { z } from '@hono/zod-openapi';
import { PRIORITY_CLASSES, REASON_CODES } from '../market/types.js';

const amount = (what: string) => z.number().finite().min(0, `${what} must be ≥ 0`);

const resourceSpec = (unit: string) =>
  z
    .object({
      avg: amount('avg').openapi({ description: `Average demand in ${unit}` }),
      peak: amount('peak').openapi({ description: `Peak demand in ${unit}` }),
    })
    .superRefine((spec, ctx) => {
      if (spec.avg > spec.peak) ctx.addIssue({ code: 'custom', path: ['avg'], message: 'avg must not exceed peak' });
    });

export const prioritySchema = z.enum(PRIORITY_CLASSES).openapi({ description: 'Priority class' });

export const workloadProfileSchema = z
  .object({
    name: z.string().min(1).max(200),
    cpu: resourceSpec('cores'),
    memory: resourceSpec('MiB'),
    network: resourceSpec('Mbps'),
    burst: z
      .object({
        probability: z.number().finite().min(0, 'probability must be in [0, 1]').max(1, 'probability must be in [0, 1]'),
        magnitude: z
          .object({ p50: amount('p50'), p90: amount('p90'), p99: amount('p99') })
          .superRefine((m, ctx) => {
            if (m.p50 > m.p90) ctx.addIssue({ code: 'custom', path: ['p50'], message: 'p50 must not exceed p90' });
            if (m.p90 > m.p99) ctx.addIssue({ code: 'custom', path: ['p90'], message: 'p90 must not exceed p99' });
          })
          .openapi({ description: 'Multipliers of avg during a spike' }),
        durationSeconds: amount('durationSeconds'),
      })
      .openapi({ description: 'probability is the chance per minute that a spike starts' }),
    interruptibility: z.object({
      maxInterruptionsPerDay: amount('maxInterruptionsPerDay'),
      maxInterruptionSeconds: amount('maxInterruptionSeconds'),
      minNoticeSeconds: amount('minNoticeSeconds'),
    }),
    priority: prioritySchema,
    expectedRuntimeSeconds: z.number().finite().positive('expectedRuntimeSeconds must be > 0'),
  })
  .openapi('WorkloadProfile');

const quantiles = z.object({ mean: z.number(), p95: z.number() });
export const predictionSchema = z
  .object({ cpu: quantiles, memory: quantiles, network: quantiles, modelVersion: z.string().nullable() })
  .openapi('PredictedUtilization');

export const profileCreatedSchema = z
  .object({ profileId: z.string(), profile: workloadProfileSchema, prediction: predictionSchema })
  .openapi('ProfileCreated');

export const penaltySchema = z
  .object({
    fee: amount('fee').openapi({ description: 'Credited to the client if Parley force-terminates the instance' }),
    priorityReduction: amount('priorityReduction').openapi({
      description: 'Priority points lost on future bids if preempted for violating the declared profile',
    }),
  })
  .openapi('Penalty');

const bidFields = {
  price: z.number().finite().positive('price must be > 0').openapi({ description: 'Most the client pays per instance-hour' }),
  priority: prioritySchema.optional(),
  count: z.number().int().min(1).max(1000).default(1),
  uninterruptible: z.boolean().default(false),
  penalty: penaltySchema.optional(),
  maxWaitSeconds: z.number().finite().positive().optional(),
};

type PenaltyCarrier = { uninterruptible: boolean; penalty?: unknown };
const requirePenalty = (bid: PenaltyCarrier, ctx: z.RefinementCtx) => {
  if (bid.uninterruptible && bid.penalty === undefined) {
    ctx.addIssue({ code: 'custom', path: ['penalty'], message: 'penalty is required when uninterruptible is true' });
  }
};

export const submitBidSchema = z
  .object({ profileId: z.string().min(1), ...bidFields })
  .superRefine(requirePenalty)
  .openapi('SubmitBid');

export const quoteSchema = z
  .object({ profileId: z.string().min(1).optional(), profile: workloadProfileSchema.optional(), ...bidFields })
  .superRefine((body, ctx) => {
    requirePenalty(body, ctx);
    if ((body.profileId === undefined) === (body.profile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['profileId'], message: 'give exactly one of profileId or profile' });
    }
  })
  .openapi('QuoteRequest');

export const bidCreatedSchema = z.object({ bidId: z.string(), state: z.string() }).openapi('BidCreated');

const scoreBreakdownSchema = z
  .object({
    total: z.number(),
    terms: z.array(
      z.object({ name: z.string(), raw: z.number(), normalized: z.number(), weight: z.number(), contribution: z.number() }),
    ),
  })
  .openapi('ScoreBreakdown');

export const bidSchema = z
  .object({
    bidId: z.string(),
    state: z.enum(['pending', 'won', 'rejected', 'withdrawn', 'expired']),
    instanceIds: z.array(z.string()),
    clearingPrice: z.number().nullable(),
    score: scoreBreakdownSchema.nullable(),
    reason: z.string().nullable(),
  })
  .openapi('Bid');

export const idParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });

export const instanceStatusSchema = z
  .object({
    instanceId: z.string(),
    bidId: z.string(),
    state: z.enum(['running', 'notified', 'preempted', 'terminated', 'completed']),
    nodeId: z.string(),
    usage: z.object({ cpu: z.number(), memory: z.number(), network: z.number(), at: z.string() }).nullable(),
    predictedUtilization: predictionSchema,
    priority: z.object({ declared: prioritySchema, effective: z.number() }),
    estimatedRuntimeRemainingSeconds: z.number(),
    interferenceScore: z.number(),
    price: z.number(),
    scoreBreakdown: scoreBreakdownSchema,
    preemption: z
      .object({
        reason: z.enum(REASON_CODES),
        noticeGivenSeconds: z.number(),
        deadline: z.string(),
        preemptorId: z.string().nullable(),
        penalty: penaltySchema.nullable(),
      })
      .nullable(),
  })
  .openapi('InstanceStatus');

export const feedbackSchema = z
  .object({
    instanceId: z.string().min(1),
    samples: z
      .array(
        z.object({
          at: z.iso.datetime({ offset: true }).openapi({ description: 'ISO 8601 time of the sample' }),
          cpu: amount('cpu'),
          memory: amount('memory'),
          network: amount('network'),
          slowdown: z.number().finite().positive().optional().openapi({
            description: 'Observed performance relative to running alone; 1.0 = no interference',
          }),
        }),
      )
      .min(1)
      .max(10_000)
      .superRefine((samples, ctx) => {
        for (let i = 1; i < samples.length; i++) {
          if (Date.parse(samples[i]!.at) < Date.parse(samples[i - 1]!.at)) {
            ctx.addIssue({ code: 'custom', path: [i, 'at'], message: 'samples must be in time order' });
          }
        }
      }),
  })
  .openapi('RuntimeFeedback');

export const feedbackAcceptedSchema = z.object({ accepted: z.number().int() }).openapi('FeedbackAccepted');

export const createClientSchema = z.object({ name: z.string().min(1).max(200) }).openapi('CreateClient');
export const clientCreatedSchema = z.object({ clientId: z.string(), apiKey: z.string() }).openapi('ClientCreated');

export const nodeInputSchema = z
  .object({
    id: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, 'id may hold letters, digits and . _ : -'),
    cpu: z.number().finite().positive(),
    memory: z.number().finite().positive(),
    network: z.number().finite().positive(),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .openapi('NodeInput');

export const nodeSchema = z
  .object({
    id: z.string(),
    cpu: z.number(),
    memory: z.number(),
    network: z.number(),
    labels: z.record(z.string(), z.string()),
    draining: z.boolean(),
    instances: z.number().int(),
  })
  .openapi('Node');

export const ledgerEntrySchema = z
  .object({
    id: z.number().int(),
    clientId: z.string(),
    kind: z.enum(['fee', 'priority_reduction']),
    amount: z.number(),
    at: z.string(),
    instanceId: z.string(),
    reason: z.string(),
  })
  .openapi('LedgerEntry');

const perResource = z.object({ cpu: z.number(), memory: z.number(), network: z.number() });
export const marketSchema = z
  .object({
    at: z.string(),
    nodes: z.number().int(),
    capacity: perResource,
    allocation: perResource.openapi({ description: 'Sum of predicted p95 of live instances' }),
    used: perResource.openapi({ description: 'Sum of the latest reported usage of live instances' }),
    clearingPrices: perResource.nullable(),
    lastRoundAt: z.string().nullable(),
    modelVersion: z.string().nullable(),
    pendingDemand: z.object({ bids: z.number().int(), instances: z.number().int(), cpu: z.number(), memory: z.number(), network: z.number() }),
    liveInstances: z.number().int(),
  })
  .openapi('Market');

export const quoteResultSchema = z
  .object({
    admitProbability: z.number(),
    expectedClearingPrice: z.number(),
    estimatedStartSeconds: z.number(),
    preemptionProbability: z.number(),
  })
  .openapi('Quote');

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export type WorkloadProfileInput = z.infer<typeof workloadProfileSchema>;
export type SubmitBidInput = z.infer<typeof submitBidSchema>;
export type QuoteInput = z.infer<typeof quoteSchema>;
export type FeedbackInput = z.infer<typeof feedbackSchema>;
export type NodeInput = z.infer<typeof nodeInputSchema>;
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;
export type BidView = z.infer<typeof bidSchema>;
export type MarketView = z.infer<typeof marketSchema>;
export type NodeView = z.infer<typeof nodeSchema>;
export type LedgerView = z.infer<typeof ledgerEntrySchema>;
