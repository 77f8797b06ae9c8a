import { createRoute, z } from '@hono/zod-openapi';
import { listLedger } from '../../service/listLedger.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { ledgerEntrySchema } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/ledger',
  tags: ['operator'],
  summary: 'Penalty fees credited and priority reductions charged',
  security: bearer,
  middleware: [requireOperator] as const,
  request: { query: z.object({ clientId: z.string().min(1).optional() }) },
  responses: { 200: jsonResponse(z.object({ entries: z.array(ledgerEntrySchema) }), 'Ledger, oldest first'), ...problems(400, 401, 403) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) =>
    c.json({ entries: await listLedger({ ctx: c.get('ctx'), clientId: c.req.valid('query').clientId }) }, 200),
  );
