import { hashSecret, newSecret } from '../auth/keys.js';
import { operatorTokens } from '../db/schema.js';
import type { ServiceContext } from './context.js';

/**
 * Makes sure exactly one operator token is valid. With PARLEY_ADMIN_TOKEN set, its hash replaces any stored one.
 * Without it, the first start generates a token and returns it (the caller prints it once); later starts keep the
 * stored hash and return null.
 */
export async function ensureOperatorToken({
  ctx,
  configured,
}: {
  ctx: ServiceContext;
  configured: string | undefined;
}): Promise<{ generated: string | null }> {
  return ctx.db.transaction(async (tx) => {
    if (configured !== undefined) {
      await tx.delete(operatorTokens);
      await tx.insert(operatorTokens).values({ tokenHash: hashSecret(configured), createdAt: ctx.clock.now() });
      return { generated: null };
    }
    const existing = await tx.select().from(operatorTokens).limit(1);
    if (existing.length > 0) return { generated: null };
    const token = newSecret('op');
    await tx.insert(operatorTokens).values({ tokenHash: hashSecret(token), createdAt: ctx.clock.now() });
    return { generated: token };
  });
}
