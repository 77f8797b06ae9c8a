/** Prometheus metrics, one registry per service instance (so tests do not share global state). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HttpMetrics } from './httpMetrics.js';

export interface Metrics {
  registry: Registry;
  /** Requests by method, route and status, and their durations (httpMetrics.ts). */
  http: HttpMetrics;
  /** Exports `parley_status_reads_total{cache="hit"|"miss"}` from a cache's running totals (read at each scrape). */
  countStatusReads(totals: { readonly hits: number; readonly misses: number }): void;
  rounds: Counter<'result'>;
  roundDuration: Histogram;
  roundPhase: Histogram<'phase'>;
  /** Round predictor inputs by whether the predictor ran on them or the prediction cache answered them. */
  roundPredictions: Counter<'source'>;
  planConflicts: Counter;
  placements: Counter;
  preemptions: Counter;
}

export function createMetrics({ defaults }: { defaults: boolean }): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  const http = new HttpMetrics();
  http.register(registry);
  return {
    registry,
    http,
    countStatusReads: (totals) => {
      new Counter({
        name: 'parley_status_reads_total',
        help: 'Instance status reads by where they were answered from (cache: hit or miss)',
        labelNames: ['cache'],
        registers: [registry],
        collect() {
          this.reset();
          this.inc({ cache: 'hit' }, totals.hits);
          this.inc({ cache: 'miss' }, totals.misses);
        },
      });
    },
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
    roundPredictions: new Counter({
      name: 'parley_round_predictions_total',
      help: 'Predictor inputs of clearing rounds: predicted (the model ran) or reused (unchanged since an earlier round)',
      labelNames: ['source'],
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
