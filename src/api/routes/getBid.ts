import { createRoute } from '@hono/zod-openapi';
import { getBid } from '../../service/getBid.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { bidSchema, idParam } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/bids/{id}',
  tags: ['negotiation'],
  summary: 'A bid, its state, instances, clearing price, score and reason',
  security: bearer,
  middleware: [requireClient] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(bidSchema, 'The bid'), ...problems(401, 403, 404) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    return c.json(await getBid({ ctx: c.get('ctx'), clientId: clientIdOf(c), bidId: c.req.valid('param').id }), 200);
  });
