/**
 * How many feasible nodes to find before scoring, as kube-scheduler's numFeasibleNodesToFind: with fewer than 100
 * nodes all of them; otherwise percentage·n/100 but at least 100, where the adaptive percentage (config 0) is
 * max(5, 50 − n/125). Both Parley and the kube-like baseline use it, so benchmark figures compare like with like.
 */
const MIN_FEASIBLE_NODES = 100;
const MIN_PERCENTAGE = 5;

export function numFeasibleNodesToFind(nodeCount: number, percentageOfNodesToScore: number): number {
  if (nodeCount < MIN_FEASIBLE_NODES || percentageOfNodesToScore >= 100) return nodeCount;
  let pct = percentageOfNodesToScore;
  if (pct <= 0) pct = Math.max(MIN_PERCENTAGE, 50 - nodeCount / 125);
  return Math.min(nodeCount, Math.max(MIN_FEASIBLE_NODES, Math.floor((nodeCount * pct) / 100)));
}
