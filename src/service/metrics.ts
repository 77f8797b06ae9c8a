/** Prometheus metrics, one registry per service instance (so tests do not share global state). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  rounds: Counter<'result'>;
  roundDuration: Histogram;
  roundPhase: Histogram<'phase'>;
  planConflicts: Counter;
  placements: Counter;
  preemptions: Counter;
}

export function createMetrics({ defaults }: { defaults: boolean }): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'parley_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rounds: new Counter({ name: 'parley_rounds_total', help: 'Clearing rounds by result', labelNames: ['result'], registers: [registry] }),
    roundDuration: new Histogram({
      name: 'parley_round_duration_seconds',
      help: 'Clearing round duration (snapshot, engine, apply)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    roundPhase: new Histogram({
      name: 'parley_round_phase_seconds',
      help: 'Time of each part of a clearing round: complete, snapshot, predict, post (to the worker), engine, apply',
      labelNames: ['phase'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    planConflicts: new Counter({
      name: 'parley_plan_conflicts_total',
      help: 'Plans rolled back because their inputs changed before apply',
      registers: [registry],
    }),
    placements: new Counter({ name: 'parley_placements_total', help: 'Bids placed', registers: [registry] }),
    preemptions: new Counter({ name: 'parley_preemption_notices_total', help: 'Preemption notices given', registers: [registry] }),
  };
}
