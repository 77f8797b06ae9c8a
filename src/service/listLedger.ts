import { asc, eq } from 'drizzle-orm';
import { ledger } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { iso } from './views.js';

/** Penalty ledger: fees credited to clients and priority reductions charged, oldest first. */
export async function listLedger({ ctx, clientId }: { ctx: ServiceContext; clientId: string | undefined }) {
  const rows = await ctx.db
    .select()
    .from(ledger)
    .where(clientId === undefined ? undefined : eq(ledger.clientId, clientId))
    .orderBy(asc(ledger.id));
  return rows.map((r) => ({
    id: r.id,
    clientId: r.clientId,
    kind: r.kind,
    amount: r.amount,
    at: iso(r.at),
    instanceId: r.instanceId,
    reason: r.reason,
  }));
}
