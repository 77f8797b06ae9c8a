/**
 * What every trace reader yields: one instance (a VM, a task) with its usage series in Parley's absolute units
 * (CPU in cores, memory in MiB, network in Mbps; times in epoch milliseconds), resampled to a regular grid.
 */

export const TRACE_FORMATS = ['bitbrains', 'google2019', 'planetlab'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** One interval of usage (the mean over the interval that starts at `at`). */
export interface TraceSample {
  at: number;
  cpu: number;
  memory: number;
  network: number;
}

/** What the instance was provisioned with. `null` where the trace does not say (Bitbrains has no network limit). */
export interface TraceCapacity {
  cpu: number;
  memory: number | null;
  network: number | null;
}

export interface TraceInstance {
  /** Unique within the trace, e.g. the Bitbrains file name without `.csv`. */
  id: string;
  /** 'feedback': built from the service's stored runtime feedback (training --from-db), not read from a trace. */
  format: TraceFormat | 'feedback';
  capacity: TraceCapacity;
  /** Sampling interval of `samples`, seconds. */
  intervalSeconds: number;
  /** Oldest first, at most one per grid slot; slots with no data are absent (gaps are real in these traces). */
  samples: TraceSample[];
  /** False when the trace has no network column (Google 2019, PlanetLab); `network` is then 0 throughout. */
  hasNetwork: boolean;
  /** False when the trace has no memory column (PlanetLab). */
  hasMemory: boolean;
}

/** A trace reference as given on the command line: `bitbrains:<path>`, `google2019:<path>`, `planetlab:<path>`. */
export interface TraceRef {
  format: TraceFormat;
  path: string;
}

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}
