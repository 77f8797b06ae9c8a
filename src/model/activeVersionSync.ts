import type { Executor } from '../db/database.js';
import type { ModelRegistry } from './registry.js';
import { activeModelVersion } from './versionTable.js';

/** How often a service process reads the active version from the database. */
export const MODEL_SYNC_MS = 2_000;
/** How long a refused version is left alone before it is tried again (its files may arrive later). */
export const REFUSED_RETRY_MS = 60_000;

export interface ActiveVersionSyncOptions {
  db: Executor;
  registry: ModelRegistry;
  intervalMs?: number;
  retryRefusedMs?: number;
  /** Time source for the retry back-off (tests). */
  now?: () => number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** What one check did: nothing to do, swapped a version in, refused one (the current one keeps serving), or failed to read. */
export type SyncOutcome = 'unchanged' | 'activated' | 'refused' | 'unreadable';

/**
 * Makes activation a database fact for every process sharing the database: the active row of `model_versions`
 * (written by `npm run models -- activate`, by `POST /models/{version}/activate` in any process, and by
 * `train --activate-if-better`) is read every `intervalMs`, and when it names another version than this process
 * serves, that version goes through the registry's own path (manifest validation against this build's feature
 * spec, weights checksum, warm-up, atomic swap between rounds). A version that cannot be loaded here is refused and
 * logged, the current one keeps serving, and it is tried again only after `retryRefusedMs` or once the row names
 * another version. No active row changes nothing: the version from `models/active.json` (or the fallback) serves.
 */
export class ActiveVersionSync {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<SyncOutcome> | null = null;
  private refused: { version: string; at: number } | null = null;
  private readonly log: (level: 'info' | 'warn', message: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: ActiveVersionSyncOptions) {
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
  }

  /** One check; concurrent calls share the check in flight. */
  check(): Promise<SyncOutcome> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? MODEL_SYNC_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a check in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private async run(): Promise<SyncOutcome> {
    const { registry } = this.options;
    const retryMs = this.options.retryRefusedMs ?? REFUSED_RETRY_MS;
    let unreadable = false;
    // The database is read inside the registry's activation queue, so an activation this process is recording
    // (POST /models/{version}/activate) is never undone by a read taken just before it was recorded.
    const target = async (): Promise<string | null> => {
      let version: string | null;
      try {
        version = await activeModelVersion(this.options.db);
      } catch (error) {
        unreadable = true;
        this.log('warn', `cannot read the active model version from the database: ${(error as Error).message}`);
        return null;
      }
      const refused = this.refused;
      if (version !== null && refused?.version === version && this.now() - refused.at < retryMs) return null;
      return version;
    };
    let attempted: string | null = null;
    try {
      const { version, swapped } = await registry.follow(async () => (attempted = await target()));
      if (!swapped) return unreadable ? 'unreadable' : 'unchanged';
      this.refused = null;
      this.log('info', `model ${version} activated from the database (model_versions)`);
      return 'activated';
    } catch (error) {
      this.refused = { version: attempted!, at: this.now() };
      this.log(
        'warn',
        `model ${attempted} is active in the database but this process refused it; ${registry.activeVersion ?? 'the statistical predictor'} keeps serving: ${(error as Error).message}`,
      );
      return 'refused';
    }
  }
}
