import { eq } from 'drizzle-orm';
import { hashSecret, sameHash } from '../auth/keys.js';
import { clients, operatorTokens } from '../db/schema.js';
import type { ServiceContext } from './context.js';

export type Principal = { kind: 'client'; clientId: string } | { kind: 'operator' };

/**
 * Resolves a bearer secret to a client or the operator; null when it matches neither. A secret verified once (its
 * SHA-256 found in the database) is remembered by this process (`ctx.principals`, see boundedCache.ts), so a known
 * key costs one Map lookup rather than a hash and a query; an unknown secret is never remembered, so it is looked up
 * again every time and cannot fill the cache.
 */
export async function authenticate({ ctx, secret }: { ctx: ServiceContext; secret: string }): Promise<Principal | null> {
  const cached = ctx.principals.get(secret);
  if (cached) return cached;
  const principal = await lookup(ctx, hashSecret(secret));
  if (principal) ctx.principals.set(secret, principal);
  return principal;
}

async function lookup(ctx: ServiceContext, hash: string): Promise<Principal | null> {
  const [client] = await ctx.db.select({ id: clients.id }).from(clients).where(eq(clients.keyHash, hash)).limit(1);
  if (client) return { kind: 'client', clientId: client.id };
  const tokens = await ctx.db.select({ tokenHash: operatorTokens.tokenHash }).from(operatorTokens);
  return tokens.some((t) => sameHash(t.tokenHash, hash)) ? { kind: 'operator' } : null;
}
