import { hashSecret, newSecret } from '../auth/keys.js';
import { clients } from '../db/schema.js';
import type { ServiceContext } from './context.js';

/** Registers a client and returns its API key; only the key's hash is stored, so this is the one time it is shown. */
export async function createClient({ ctx, input }: { ctx: ServiceContext; input: { name: string } }) {
  const clientId = ctx.newId('cl');
  const apiKey = newSecret('pk');
  await ctx.db.insert(clients).values({ id: clientId, name: input.name, keyHash: hashSecret(apiKey), createdAt: ctx.clock.now() });
  return { clientId, apiKey };
}
