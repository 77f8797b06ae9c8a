/**
 * Idempotency-Key support: the first response to a (client, route, key) is stored in the same transaction as the
 * change it describes, so a retry either finds both or neither. A retry gets the stored response and creates nothing;
 * the same key with a different body is refused rather than silently answered with the first response.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { idempotencyKeys } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { DomainError } from './errors.js';

export interface StoredResponse<T> {
  status: number;
  body: T;
}

export interface IdempotencyScope {
  clientId: string;
  route: string;
  key: string | undefined;
  request: unknown;
}

const UNIQUE_VIOLATION = '23505';
/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back and may simply be run again. */
const RETRYABLE = new Set(['40P01', '40001']);
/** Attempts of a transaction that PostgreSQL rolled back for a deadlock or a serialization failure. */
export const TRANSACTION_ATTEMPTS = 3;

function hasCode(err: unknown, codes: ReadonlySet<string>): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    if ((e as { cause?: unknown }).cause === e) break;
  }
  return false;
}

const UNIQUE = new Set([UNIQUE_VIOLATION]);
const isUniqueViolation = (err: unknown) => hasCode(err, UNIQUE);

/**
 * Runs a transaction, and runs it again (up to TRANSACTION_ATTEMPTS in all) when PostgreSQL rolled it back for a
 * deadlock or a serialization failure: nothing of it was committed, so the client gets its answer instead of a 500.
 */
export async function retryingTransaction<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= TRANSACTION_ATTEMPTS || !hasCode(err, RETRYABLE)) throw err;
    }
  }
}

/**
 * Runs `run` once per (client, route, key). Without a key there is nothing to store with the change, so `run` gets the
 * database itself, or a transaction of its own when `atomic` (its statements must commit together).
 */
export async function idempotent<T>(
  ctx: ServiceContext,
  scope: IdempotencyScope,
  run: (db: Executor) => Promise<StoredResponse<T>>,
  { atomic = false }: { atomic?: boolean } = {},
): Promise<StoredResponse<T>> {
  const { key } = scope;
  if (key === undefined) return atomic ? retryingTransaction(() => ctx.db.transaction((tx) => run(tx))) : run(ctx.db);
  if (key.length === 0 || key.length > 255) {
    throw new DomainError('validation_failed', 'Idempotency-Key must be 1 to 255 characters', [
      { path: 'header:$["idempotency-key"]', message: 'must be 1 to 255 characters' },
    ]);
  }
  const requestHash = createHash('sha256').update(JSON.stringify(scope.request)).digest('hex');
  const once = () =>
    ctx.db.transaction(async (tx) => {
      const [stored] = await tx
        .select()
        .from(idempotencyKeys)
        .where(
          and(eq(idempotencyKeys.clientId, scope.clientId), eq(idempotencyKeys.route, scope.route), eq(idempotencyKeys.key, key)),
        );
      if (stored) {
        if (stored.requestHash !== requestHash) {
          throw new DomainError('idempotency_key_reused', `Idempotency-Key ${JSON.stringify(key)} was used for a different request`);
        }
        return { status: stored.status, body: stored.body as T };
      }
      const response = await run(tx);
      await tx.insert(idempotencyKeys).values({
        clientId: scope.clientId,
        route: scope.route,
        key,
        requestHash,
        status: response.status,
        body: response.body,
        createdAt: ctx.clock.now(),
      });
      return response;
    });
  const attempt = () => retryingTransaction(once);
  try {
    return await attempt();
  } catch (err) {
    // A concurrent request with the same key committed first: our transaction rolled back; replay its response.
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}
