/**
 * The service's stored runtime feedback as training data (`npm run train -- --from-db`):
 * - utilization: each instance's feedback samples, averaged onto the traces' 5-minute grid, become one
 *   TraceInstance (format `feedback`, id = the instance id, provisioned capacity = its declared peak), cut into examples exactly
 *   like a trace VM (so an instance needs more than 25 h of feedback to yield an example);
 * - interference: every sample that carries `slowdown` becomes an observation with its placement context: the
 *   node the instance ran on at that time, and the instances running on that node then (their demand as Parley
 *   predicted it at placement, the same quantity serving feeds the head).
 */
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../src/db/database.js';
import { bids, feedback, instances, nodes, profiles } from '../src/db/schema.js';
import type { DemandQuantiles } from '../src/features/interference.js';
import type { Prediction, Resource, WorkloadProfile } from '../src/market/types.js';
import type { TraceInstance, TraceSample } from '../src/traces/types.js';
import type { InterferenceObservation } from './fit-interference.js';

/** The traces' grid (Bitbrains and the committed sample are 5-minute series). */
const GRID_MS = 300_000;
/** The range readObservations accepts: a reported slowdown outside it is a measurement error, not interference. */
const SLOWDOWN_RANGE = [0.5, 100] as const;

export interface FeedbackTrainingData {
  instances: TraceInstance[];
  observations: InterferenceObservation[];
  description: { feedbackSamples: number; feedbackInstances: number; slowdownSamples: number; observations: number };
}

interface PlacedInstance {
  id: string;
  nodeId: string;
  movedFrom: { nodeId: string; at: number }[];
  startedAt: number;
  endedAt: number | null;
  prediction: Prediction;
}

const demandOf = (p: Prediction, spec: WorkloadProfile): DemandQuantiles => ({
  cpu: { mean: p.cpu.mean, p95: p.cpu.p95 },
  memory: { mean: p.memory.mean, p95: p.memory.p95 },
  network: { mean: p.network.mean, p95: p.network.p95 },
  declared: { cpu: spec.cpu.avg, memory: spec.memory.avg },
});

/** The node an instance ran on at `at`: `movedFrom` lists the nodes it left, each with the time it left. */
function nodeAt(instance: PlacedInstance, at: number): string {
  for (const move of instance.movedFrom) if (at < move.at) return move.nodeId;
  return instance.nodeId;
}

const runningAt = (instance: PlacedInstance, at: number) => instance.startedAt <= at && (instance.endedAt === null || at < instance.endedAt);

/** Averages samples onto the 5-minute grid: the mean over each slot, as the trace readers resample. */
function toGrid(samples: TraceSample[]): TraceSample[] {
  const out: TraceSample[] = [];
  let slot = Number.NaN;
  let sum = { cpu: 0, memory: 0, network: 0 };
  let n = 0;
  const flush = () => {
    if (n > 0) out.push({ at: slot, cpu: sum.cpu / n, memory: sum.memory / n, network: sum.network / n });
  };
  for (const s of samples) {
    const at = Math.floor(s.at / GRID_MS) * GRID_MS;
    if (at !== slot) {
      flush();
      slot = at;
      sum = { cpu: 0, memory: 0, network: 0 };
      n = 0;
    }
    sum.cpu += s.cpu;
    sum.memory += s.memory;
    sum.network += s.network;
    n += 1;
  }
  flush();
  return out;
}

export async function readFeedbackTraining(db: Executor): Promise<FeedbackTrainingData> {
  const placedRows = await db
    .select({
      id: instances.id,
      nodeId: instances.nodeId,
      movedFrom: instances.movedFrom,
      startedAt: instances.startedAt,
      endedAt: instances.endedAt,
      prediction: instances.prediction,
      spec: profiles.spec,
    })
    .from(instances)
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId));
  const placed: PlacedInstance[] = placedRows;
  const specs = new Map(placedRows.map((r) => [r.id, r.spec]));
  const byId = new Map(placed.map((i) => [i.id, i]));
  const capacity = new Map((await db.select().from(nodes)).map((n) => [n.id, { cpu: n.cpu, memory: n.memory, network: n.network }]));
  const rows = await db.select().from(feedback).orderBy(asc(feedback.instanceId), asc(feedback.at));

  const series = new Map<string, TraceSample[]>();
  const observations: InterferenceObservation[] = [];
  let slowdownSamples = 0;
  for (const row of rows) {
    let list = series.get(row.instanceId);
    if (!list) series.set(row.instanceId, (list = []));
    list.push({ at: row.at, cpu: row.cpu, memory: row.memory, network: row.network });
    if (row.slowdown === null) continue;
    slowdownSamples += 1;
    const self = byId.get(row.instanceId);
    if (!self || row.slowdown < SLOWDOWN_RANGE[0] || row.slowdown > SLOWDOWN_RANGE[1]) continue;
    const nodeId = nodeAt(self, row.at);
    const node = capacity.get(nodeId);
    if (!node) continue;
    const coRunners = placed
      .filter((other) => other.id !== self.id && runningAt(other, row.at) && nodeAt(other, row.at) === nodeId)
      .map((other) => demandOf(other.prediction, specs.get(other.id)!));
    observations.push({ own: demandOf(self.prediction, specs.get(self.id)!), node, coRunners, slowdown: row.slowdown });
  }

  const traceInstances: TraceInstance[] = [];
  for (const [id, samples] of series) {
    const spec = specs.get(id);
    if (!spec) continue;
    const peak = (r: Resource) => spec[r].peak;
    traceInstances.push({
      id,
      format: 'feedback',
      capacity: { cpu: peak('cpu'), memory: peak('memory'), network: peak('network') },
      intervalSeconds: GRID_MS / 1000,
      samples: toGrid(samples),
      hasNetwork: true,
      hasMemory: true,
    });
  }
  return {
    instances: traceInstances,
    observations,
    description: { feedbackSamples: rows.length, feedbackInstances: series.size, slowdownSamples, observations: observations.length },
  };
}
