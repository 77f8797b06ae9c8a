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

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
    if ((e as { cause?: unknown }).cause === e) break;
  }
  return false;
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
  if (key === undefined) return atomic ? ctx.db.transaction((tx) => run(tx)) : run(ctx.db);
  if (key.length === 0 || key.length > 255) {
    throw new DomainError('validation_failed', 'Idempotency-Key must be 1 to 255 characters', [
      { path: 'header:$["idempotency-key"]', message: 'must be 1 to 255 characters' },
    ]);
  }
  const requestHash = createHash('sha256').update(JSON.stringify(scope.request)).digest('hex');
  const attempt = () =>
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
  try {
    return await attempt();
  } catch (err) {
    // A concurrent request with the same key committed first: our transaction rolled back; replay its response.
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}
