/**
 * Displacement: a bid that fits nowhere may preempt running instances sufficiently below it in priority.
 *
 * Per node, a dry run on a copy of the node's load (kube-scheduler's SelectVictimsOnNode): eligible victims are
 * running instances with effective priority ≤ bid priority − priorityGap whose contract allows a stop now; they are
 * removed cheapest first (victimCost: value lost + penalty + work redone) until the bid fits, then any victim whose
 * return still leaves room is reprieved. The node with the cheapest victim set wins; a bid with count > 1 repeats
 * this per instance on the updated state, all-or-nothing. An uninterruptible victim is eligible only when the bid's
 * expected gain (price · count · expected runtime hours − value lost − work redone) exceeds the fees owed.
 *
 * Victims get notice (reason `outbid`, preemptorId = the bid); the bid stays pending until they leave.
 */
import type { ReasonCode } from './types.js';
import type { RoundContext } from './context.js';
import type { ScoredBid } from './clearing.js';
import type { Resident } from './cluster.js';
import { chanceFit } from './chance.js';
import { addDemand } from './moments.js';
import { contractBlock } from './contract.js';
import { victimCost } from './victimCost.js';
import { interrupt } from './interrupt.js';
import { protectedFromStop } from './protection.js';
import { explainTerm } from './notice.js';
import { evictionBudgetLeft } from './context.js';

export type DisplaceResult =
  | { kind: 'notified'; detail: string }
  | { kind: 'blocked'; reason: ReasonCode; detail: string }
  | { kind: 'none' };

interface Candidate {
  resident: Resident;
  cost: number;
  valueLost: number;
  workRedone: number;
  fee: number;
}

interface NodePick {
  nodeIdx: number;
  victims: Candidate[];
  cost: number;
}

export function displace(ctx: RoundContext, s: ScoredBid): DisplaceResult {
  const { bid } = s;
  const waiting = ctx.awaitedBy.get(bid.id) ?? 0;
  if (waiting > 0) return { kind: 'notified', detail: `awaiting ${waiting} preempted instance(s) to leave` };
  const budget = evictionBudgetLeft(ctx);
  if (budget <= 0) return { kind: 'none' };

  const gain = bid.price * bid.count * (bid.profile.expectedRuntimeSeconds / 3600);
  const minVictimPriority = s.demand.effectivePriority - ctx.config.priorityGap;
  const { cluster } = ctx;
  const picks: NodePick[] = [];
  const seen = { priority: false, contract: false };
  let chosenCount = 0;
  // Victims already picked for earlier instances of this bid: their demand is out of the dry-run loads already.
  const taken = new Set<Resident>();

  for (let k = 0; k < bid.count; k++) {
    const pick = cheapestNode(ctx, s, gain, minVictimPriority, seen, budget - chosenCount, taken);
    if (pick === null) break;
    picks.push(pick);
    chosenCount += pick.victims.length;
    for (const v of pick.victims) taken.add(v.resident);
    // Dry run across instances of the same bid: take the victims out and put the instance in, undone below.
    for (const v of pick.victims) addDemand(cluster.loads[pick.nodeIdx]!, v.resident.moments, -1);
    addDemand(cluster.loads[pick.nodeIdx]!, s.demand.moments, 1);
  }
  for (const p of picks) {
    addDemand(cluster.loads[p.nodeIdx]!, s.demand.moments, -1);
    for (const v of p.victims) addDemand(cluster.loads[p.nodeIdx]!, v.resident.moments, 1);
  }

  if (picks.length < bid.count || picks.every((p) => p.victims.length === 0)) {
    if (seen.priority) {
      return { kind: 'blocked', reason: 'priority', detail: `only instances within the priority gap (${ctx.config.priorityGap}) could make room` };
    }
    if (seen.contract) {
      return { kind: 'blocked', reason: 'contract_budget', detail: 'the instances that could make room are protected by their interruptibility contracts' };
    }
    return { kind: 'none' };
  }

  const victims = picks.flatMap((p) => p.victims.map((v) => ({ v, nodeIdx: p.nodeIdx })));
  let lost = 0;
  let fees = 0;
  for (const { v } of victims) {
    lost += v.valueLost + v.workRedone;
    fees += v.fee;
  }
  if (fees > 0 && gain - lost <= fees) {
    return { kind: 'blocked', reason: 'contract_budget', detail: `expected gain ${(gain - lost).toFixed(4)} does not exceed the fees ${fees}` };
  }
  for (const { v, nodeIdx } of victims) {
    const inst = v.resident.instance!;
    const terms = [
      explainTerm('gain', gain, 1),
      explainTerm('value_lost', v.valueLost, -1),
      explainTerm('work_redone', v.workRedone, -1),
      explainTerm('penalty', v.fee, -1),
      explainTerm('priority_gap', s.demand.effectivePriority - inst.effectivePriority, 1),
    ];
    interrupt(ctx, v.resident, nodeIdx, 'outbid', bid.id, terms, { allowMove: true, allowStop: true });
  }
  ctx.awaitedBy.set(bid.id, victims.length);
  return { kind: 'notified', detail: `${victims.length} lower-priority instance(s) notified to make room` };
}

function cheapestNode(
  ctx: RoundContext,
  s: ScoredBid,
  gain: number,
  minVictimPriority: number,
  seen: { priority: boolean; contract: boolean },
  budget: number,
  taken: ReadonlySet<Resident>,
): NodePick | null {
  const { cluster, env, now, config } = ctx;
  const n = cluster.nodes.length;
  let best: NodePick | null = null;
  let found = 0;
  const start = env.cursor % Math.max(1, n);
  for (let p = 0; p < n && found < env.numToFind; p++) {
    const i = (start + p) % n;
    const node = cluster.nodes[i]!;
    if (node.draining) continue;
    // An earlier instance of the same bid may have left room here already (the dry run put it in): no victim needed.
    if (chanceFit(cluster.loads[i]!, s.demand.moments, node, env.z) === null) return { nodeIdx: i, victims: [], cost: 0 };
    const candidates: Candidate[] = [];
    for (const r of cluster.residents[i]!) {
      const inst = r.instance;
      if (inst === null || ctx.noticed.has(inst.id) || taken.has(r)) continue;
      if (inst.effectivePriority > minVictimPriority || protectedFromStop(inst, 'outbid', config)) {
        seen.priority = true;
        continue;
      }
      if (contractBlock(inst, now, config, 'stop') !== null) {
        seen.contract = true;
        continue;
      }
      const c = victimCost(inst, now, config, 'stop');
      if (c.penalty > 0 && c.penalty >= gain) {
        seen.contract = true;
        continue;
      }
      candidates.push({ resident: r, cost: c.total, valueLost: c.valueLost, workRedone: c.workRedone, fee: c.penalty });
    }
    if (candidates.length === 0) continue;
    const load = { ...cluster.loads[i]! };
    for (const c of candidates) addDemand(load, c.resident.moments, -1);
    if (chanceFit(load, s.demand.moments, node, env.z) !== null) continue;
    found++;
    // Put back the most expensive victims while the bid still fits (reprieve), leaving the cheapest set.
    candidates.sort((a, b) => b.cost - a.cost || (a.resident.id < b.resident.id ? -1 : 1));
    const victims: Candidate[] = [];
    for (const c of candidates) {
      addDemand(load, c.resident.moments, 1);
      if (chanceFit(load, s.demand.moments, node, env.z) !== null) {
        addDemand(load, c.resident.moments, -1);
        victims.push(c);
      }
    }
    if (victims.length === 0 || victims.length > budget) continue;
    let cost = 0;
    for (const v of victims) cost += v.cost;
    if (best === null || cost < best.cost || (cost === best.cost && victims.length < best.victims.length)) {
      best = { nodeIdx: i, victims, cost };
    }
  }
  return best;
}
