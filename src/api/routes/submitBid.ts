import { createRoute } from '@hono/zod-openapi';
import { submitBid } from '../../service/submitBid.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, idempotencyHeaders, jsonBody, jsonResponse, problems } from '../openapi.js';
import { bidCreatedSchema, submitBidSchema } from '../schemas.js';

export const route = createRoute({
  method: 'post',
  path: '/submit_bid',
  tags: ['negotiation'],
  summary: 'Bid for instances of a profile at a price and priority',
  security: bearer,
  middleware: [requireClient] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(submitBidSchema) },
  responses: {
    201: jsonResponse(bidCreatedSchema, 'Bid recorded; pending until a clearing round decides it'),
    ...problems(400, 401, 403, 413, 415, 422),
  },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    const response = await submitBid({
      ctx: c.get('ctx'),
      clientId: clientIdOf(c),
      input: c.req.valid('json'),
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(response.body, response.status as 201);
  });
