/**
 * Worker-thread entry of the clearing round (started by workerRoundRunner.ts): receives RoundJobs, runs the pure
 * engine and posts back the plan (or, for a quote request, the quote), or the error's name, message and stack (the worker itself keeps running).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { clearRound, quote, resolveEngineConfig, type EngineConfig, type Plan, type Quote, type WorkloadProfile } from '../market/index.js';
import type { QuoteTerms } from './engine.js';
import { JobDecoder, jobDeps, type RoundJob } from './roundJob.js';

export interface RoundRequest {
  id: number;
  job: RoundJob;
  /** Present for a what-if quote on the job's snapshot (src/market/quote.ts) instead of a round. */
  quote?: { profile: WorkloadProfile; terms: QuoteTerms };
}
export type RoundResponse =
  | { id: number; plan: Plan }
  | { id: number; quote: Quote }
  | { id: number; error: { name: string; message: string; stack?: string } };

if (!parentPort) throw new Error('roundWorker.ts runs only as a worker thread');
const port = parentPort;
const config = resolveEngineConfig((workerData as { engineConfig: EngineConfig }).engineConfig);
/** The instances and bids earlier jobs sent (a job carries only what changed: roundJob.ts). */
const decoder = new JobDecoder();

port.on('message', ({ id, job, quote: asked }: RoundRequest) => {
  let response: RoundResponse;
  try {
    const snapshot = decoder.decode(job);
    response = asked
      ? { id, quote: quote(snapshot, asked.profile, asked.terms, jobDeps(job), config) }
      : { id, plan: clearRound(snapshot, jobDeps(job), config) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    response = { id, error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
  }
  port.postMessage(response);
});
