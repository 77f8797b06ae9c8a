import { eq } from 'drizzle-orm';
import { hashSecret, sameHash } from '../auth/keys.js';
import { clients, operatorTokens } from '../db/schema.js';
import type { ServiceContext } from './context.js';

export type Principal = { kind: 'client'; clientId: string } | { kind: 'operator' };

/** Resolves a bearer secret to a client or the operator; null when it matches neither. */
export async function authenticate({ ctx, secret }: { ctx: ServiceContext; secret: string }): Promise<Principal | null> {
  const hash = hashSecret(secret);
  const cached = ctx.principals.get(hash);
  if (cached) return cached;
  const principal = await lookup(ctx, hash);
  if (principal) ctx.principals.set(hash, principal);
  return principal;
}

async function lookup(ctx: ServiceContext, hash: string): Promise<Principal | null> {
  const [client] = await ctx.db.select({ id: clients.id }).from(clients).where(eq(clients.keyHash, hash)).limit(1);
  if (client) return { kind: 'client', clientId: client.id };
  const tokens = await ctx.db.select({ tokenHash: operatorTokens.tokenHash }).from(operatorTokens);
  return tokens.some((t) => sameHash(t.tokenHash, hash)) ? { kind: 'operator' } : null;
}
