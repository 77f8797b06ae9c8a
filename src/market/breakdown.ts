/** Turning scorer outputs into weighted terms and breakdowns, the record that explains every decision. */
import type { ScoreBreakdown, ScoreTerm } from './types.js';
import type { NodeView, RoundStats, ScoredDemand, ScorerSet } from './scorers/index.js';

export function bidTerms(set: ScorerSet, demand: ScoredDemand, round: RoundStats): ScoreTerm[] {
  return set.bid.map(({ scorer, sign, weight }) => {
    const raw = scorer.raw(demand, round);
    const normalized = scorer.normalize(raw, round);
    return { name: scorer.name, raw, normalized, weight, contribution: sign * weight * normalized };
  });
}

export function nodeTerms(set: ScorerSet, demand: ScoredDemand, view: NodeView): ScoreTerm[] {
  return set.node.map(({ scorer, sign, weight }) => {
    const raw = scorer.raw(demand, view);
    const normalized = scorer.normalize(raw);
    return { name: scorer.name, raw, normalized, weight, contribution: sign * weight * normalized };
  });
}

export function sumTerms(terms: ScoreTerm[]): number {
  let total = 0;
  for (const t of terms) total += t.contribution;
  return total;
}

export function breakdown(terms: ScoreTerm[]): ScoreBreakdown {
  return { total: sumTerms(terms), terms };
}

/** Term-wise mean of several instances' node terms (a bid with count > 1 lands on several nodes). */
export function meanTerms(list: ScoreTerm[][]): ScoreTerm[] {
  const first = list[0];
  if (first === undefined) return [];
  return first.map((t, i) => {
    let raw = 0;
    let normalized = 0;
    let contribution = 0;
    for (const terms of list) {
      raw += terms[i]!.raw;
      normalized += terms[i]!.normalized;
      contribution += terms[i]!.contribution;
    }
    const n = list.length;
    return { name: t.name, raw: raw / n, normalized: normalized / n, weight: t.weight, contribution: contribution / n };
  });
}
