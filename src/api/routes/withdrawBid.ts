import { createRoute } from '@hono/zod-openapi';
import { withdrawBid } from '../../service/withdrawBid.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { bidSchema, idParam } from '../schemas.js';

export const route = createRoute({
  method: 'delete',
  path: '/bids/{id}',
  tags: ['negotiation'],
  summary: 'Withdraw a pending bid',
  security: bearer,
  middleware: [requireClient] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(bidSchema, 'The withdrawn bid'), ...problems(401, 403, 404, 409) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    return c.json(await withdrawBid({ ctx: c.get('ctx'), clientId: clientIdOf(c), bidId: c.req.valid('param').id }), 200);
  });
