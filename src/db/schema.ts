/**
 * Parley's tables. Times are epoch milliseconds in `bigint` columns (the engine's unit), converted to ISO 8601 only at
 * the API edge. Every row the clearing round reads to make a decision carries a `version` that each change bumps, so
 * the round can re-check in its apply transaction that nothing it read has changed (optimistic concurrency).
 */
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import type {
  Penalty,
  Prediction,
  PreemptionNotice,
  Resource,
  ScoreBreakdown,
  WorkloadProfile,
} from '../market/types.js';

const epochMs = (name: string) => bigint(name, { mode: 'number' });

export const clients = pgTable('clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** SHA-256 of the API key, hex. The key itself is never stored. */
  keyHash: text('key_hash').notNull().unique(),
  createdAt: epochMs('created_at').notNull(),
});

/** Hashes of operator tokens (one row; replaced when PARLEY_ADMIN_TOKEN changes). */
export const operatorTokens = pgTable('operator_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: epochMs('created_at').notNull(),
});

export const nodes = pgTable('nodes', {
  id: text('id').primaryKey(),
  cpu: doublePrecision('cpu').notNull(),
  memory: doublePrecision('memory').notNull(),
  network: doublePrecision('network').notNull(),
  labels: jsonb('labels').$type<Record<string, string>>().notNull(),
  draining: boolean('draining').notNull().default(false),
  /** Set when a drained node has no live instance left; removed nodes are kept for history. */
  removedAt: epochMs('removed_at'),
  version: integer('version').notNull().default(1),
  createdAt: epochMs('created_at').notNull(),
});

export const profiles = pgTable(
  'profiles',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    spec: jsonb('spec').$type<WorkloadProfile>().notNull(),
    prediction: jsonb('prediction').$type<Prediction>().notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('profiles_client_idx').on(t.clientId)],
);

export const BID_STATES = ['pending', 'won', 'rejected', 'withdrawn', 'expired'] as const;
export type BidState = (typeof BID_STATES)[number];

export const bids = pgTable(
  'bids',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    profileId: text('profile_id')
      .notNull()
      .references(() => profiles.id),
    price: doublePrecision('price').notNull(),
    priority: text('priority').$type<WorkloadProfile['priority']>(),
    count: integer('count').notNull(),
    uninterruptible: boolean('uninterruptible').notNull(),
    penalty: jsonb('penalty').$type<Penalty>(),
    maxWaitSeconds: doublePrecision('max_wait_seconds'),
    state: text('state').$type<BidState>().notNull(),
    /** Price paid per instance-hour when won. */
    clearingPrice: doublePrecision('clearing_price'),
    score: jsonb('score').$type<ScoreBreakdown>(),
    reason: text('reason'),
    detail: text('detail'),
    submittedAt: epochMs('submitted_at').notNull(),
    decidedAt: epochMs('decided_at'),
  },
  (t) => [index('bids_client_idx').on(t.clientId), index('bids_state_idx').on(t.state)],
);

export const INSTANCE_STATES = ['running', 'notified', 'preempted', 'terminated', 'completed'] as const;
export type InstanceRowState = (typeof INSTANCE_STATES)[number];

export const instances = pgTable(
  'instances',
  {
    id: text('id').primaryKey(),
    bidId: text('bid_id')
      .notNull()
      .references(() => bids.id),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    /** One column, so an instance is on exactly one node by construction. */
    nodeId: text('node_id')
      .notNull()
      .references(() => nodes.id),
    state: text('state').$type<InstanceRowState>().notNull(),
    bidPrice: doublePrecision('bid_price').notNull(),
    price: doublePrecision('price').notNull(),
    declaredPriority: text('declared_priority').$type<WorkloadProfile['priority']>().notNull(),
    effectivePriority: doublePrecision('effective_priority').notNull(),
    uninterruptible: boolean('uninterruptible').notNull(),
    penalty: jsonb('penalty').$type<Penalty>(),
    prediction: jsonb('prediction').$type<Prediction>().notNull(),
    interferenceScore: doublePrecision('interference_score').notNull(),
    score: jsonb('score').$type<ScoreBreakdown>().notNull(),
    interruptions: jsonb('interruptions').$type<number[]>().notNull(),
    movedFrom: jsonb('moved_from').$type<{ nodeId: string; at: number }[]>().notNull(),
    notice: jsonb('notice').$type<PreemptionNotice>(),
    startedAt: epochMs('started_at').notNull(),
    endedAt: epochMs('ended_at'),
    version: integer('version').notNull().default(1),
    /**
     * Feedback samples stored for this instance, raised in the transaction that stores them (without bumping
     * `version`: feedback does not invalidate a plan). The clearing round re-reads an instance's history only when
     * this changed since its last snapshot.
     */
    feedbackCount: integer('feedback_count').notNull().default(0),
    /**
     * The largest `feedback.id` stored for this instance (0: none), written in the same transaction as the samples,
     * under the row lock that orders one instance's writers: samples stored later have larger ids. The clearing
     * round reads only the samples above the id its cached history was read at (src/scheduler/snapshot.ts).
     */
    lastFeedbackId: bigint('last_feedback_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    index('instances_client_idx').on(t.clientId),
    index('instances_state_idx').on(t.state),
    index('instances_bid_idx').on(t.bidId),
  ],
);

export const feedback = pgTable(
  'feedback',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    at: epochMs('at').notNull(),
    cpu: doublePrecision('cpu').notNull(),
    memory: doublePrecision('memory').notNull(),
    network: doublePrecision('network').notNull(),
    slowdown: doublePrecision('slowdown'),
    receivedAt: epochMs('received_at').notNull(),
  },
  (t) => [
    index('feedback_instance_at_idx').on(t.instanceId, t.at),
    // The samples of an instance stored after a given one: what the clearing round reads (instances.lastFeedbackId).
    index('feedback_instance_id_idx').on(t.instanceId, t.id),
  ],
);

export const ledger = pgTable(
  'ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind').$type<'fee' | 'priority_reduction'>().notNull(),
    amount: doublePrecision('amount').notNull(),
    at: epochMs('at').notNull(),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id),
    reason: text('reason').notNull(),
  },
  (t) => [
    index('ledger_client_idx').on(t.clientId),
    // The clearing round reads only priority reductions recent enough to still count (src/scheduler/snapshot.ts).
    index('ledger_kind_at_idx').on(t.kind, t.at),
  ],
);

/** The first response to a request carrying an Idempotency-Key, replayed on retries. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    route: text('route').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of the request body, to refuse a key reused for a different request. */
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.route, t.key] })],
);

/** One row per applied clearing round: the figures GET /market reports. */
export const rounds = pgTable('rounds', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: epochMs('at').notNull(),
  modelVersion: text('model_version'),
  clearingPrices: jsonb('clearing_prices').$type<Record<Resource, number>>().notNull(),
  placements: integer('placements').notNull(),
  preemptions: integer('preemptions').notNull(),
  terminations: integer('terminations').notNull(),
  attempts: integer('attempts').notNull(),
});

/** Registered prediction models (written by the learning side's registry). */
export const modelVersions = pgTable('model_versions', {
  version: text('version').primaryKey(),
  path: text('path').notNull(),
  manifest: jsonb('manifest').notNull(),
  createdAt: epochMs('created_at').notNull(),
  active: boolean('active').notNull().default(false),
});

/**
 * Online recalibration of each model version's quantile heads (src/model/onlineCalibration.ts): the correction and
 * its step count, saved by the clearing loop at every step, restored when the version is activated again.
 */
export const modelOnlineCalibration = pgTable('model_online_calibration', {
  version: text('version').primaryKey(),
  state: jsonb('state').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
});
