/**
 * One clearing round: snapshot in, plan out. Stages, in order:
 *   1. deadlines: notified instances past their deadline stop or complete their move; bids past maxWait expire
 *   2. one batched prediction for every running instance and pending bid (inputs: `roundPredictorInputs`)
 *   3. pre-score pass: per-node aggregate loads (sums of predicted means and variances, declared memory peaks, network p99s)
 *   4. re-scheduling of running instances (drain, interference, profile violations)
 *   5. clearing: bids in bid-score order, each placed on its best feasible node, all-or-nothing; a bid that does not
 *      fit may displace lower-priority instances (preemption with notice)
 *   6. low-utilization preemption when bids went unplaced for capacity
 *   7. payment under the configured rule
 */
import type { BidOutcome, DemandView, EngineDeps, Placement, Plan, Snapshot } from './types.js';
import { resolveEngineConfig, type EngineConfig } from './config.js';
import { validateSnapshot } from './validate.js';
import { roundInputs } from './predictorInputs.js';
import { Cluster } from './cluster.js';
import { demandMoments } from './moments.js';
import { normalQuantile } from './normal.js';
import { indexLedger } from './ledger.js';
import { scorerSet } from './scorers/index.js';
import { numFeasibleNodesToFind } from './sampling.js';
import { MarketInputError } from './errors.js';
import type { RoundContext } from './context.js';
import { meanCapacity } from './payment.js';
import { clearBids } from './clearing.js';
import { reschedule } from './reschedule.js';
import { evictLowUtilization } from './lowUtilization.js';
import { reportedSlowdown } from './reported.js';

export function clearRound(snapshot: Snapshot, deps: EngineDeps, config?: Partial<EngineConfig>): Plan {
  const cfg = resolveEngineConfig(config);
  validateSnapshot(snapshot);
  const now = snapshot.now;

  // Stage 1 and the round's predictor inputs, defined once in predictorInputs.ts (part of the engine's contract).
  const { terminations, active, live, expired, inputs } = roundInputs(snapshot, cfg);
  const predictions = deps.predictor.predict(inputs);
  if (predictions.length !== inputs.length) {
    throw new MarketInputError(`predictor returned ${predictions.length} predictions for ${inputs.length} inputs`);
  }

  const cluster = new Cluster(snapshot.nodes);
  const ctx: RoundContext = {
    now,
    config: cfg,
    deps,
    cluster,
    env: {
      cluster,
      deps,
      z: normalQuantile(1 - cfg.epsilon),
      scorers: scorerSet(cfg),
      numToFind: numFeasibleNodesToFind(snapshot.nodes.length, cfg.percentageOfNodesToScore),
      qosLimit: cfg.qosSlowdownLimit,
      shortlist: cfg.interferenceShortlist,
      // A seeded start, then kube's rotation: successive scans begin where the previous one stopped.
      cursor: Math.floor(deps.random.next() * Math.max(1, snapshot.nodes.length)),
    },
    ledger: indexLedger(snapshot.ledger, now, cfg.priorityReductionHalfLifeSeconds),
    meanCapacity: meanCapacity(snapshot.nodes),
    preemptions: [],
    ledgerEntries: [],
    noticed: new Set(),
    awaitedBy: new Map(),
  };

  for (let i = 0; i < active.length; i++) {
    const inst = active[i]!;
    const prediction = predictions[i]!;
    const view: DemandView = { id: inst.id, profile: inst.profile, prediction };
    const moments = demandMoments(prediction, inst.profile);
    const nodeIdx = cluster.nodeIndex(inst.nodeId);
    cluster.add(nodeIdx, { id: inst.id, instance: inst, view, moments });
    const reported = reportedSlowdown(inst.history, cfg.minFeedbackSamples);
    if (reported !== null) cluster.noteReportedSlowdown(nodeIdx, reported);
    // Make-before-break: a move in progress holds capacity on both nodes until its deadline.
    const dest = inst.state === 'notified' ? inst.notice?.moveToNodeId ?? null : null;
    if (dest !== null) {
      cluster.add(cluster.nodeIndex(dest), { id: `${inst.id}@${dest}`, instance: inst, view, moments });
    }
    const preemptor = inst.state === 'notified' ? inst.notice?.preemptorId ?? null : null;
    if (preemptor !== null) ctx.awaitedBy.set(preemptor, (ctx.awaitedBy.get(preemptor) ?? 0) + 1);
  }

  reschedule(ctx);
  const cleared = clearBids(ctx, live, predictions.slice(active.length));
  if (cleared.scarce.length > 0) evictLowUtilization(ctx, cleared);

  const outcomes: BidOutcome[] = [...expired, ...cleared.outcomes];
  const placements: Placement[] = cleared.placements;
  return {
    now,
    modelVersion: deps.predictor.version,
    placements,
    predictions: active.map((inst, i) => ({ instanceId: inst.id, prediction: predictions[i]! })),
    outcomes,
    preemptions: ctx.preemptions,
    terminations,
    ledgerEntries: ctx.ledgerEntries,
    clearingPrices: cleared.clearingPrices,
  };
}
