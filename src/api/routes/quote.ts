import { createRoute } from '@hono/zod-openapi';
import { quote } from '../../service/quote.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.js';
import { quoteResultSchema, quoteSchema } from '../schemas.js';

export const route = createRoute({
  method: 'post',
  path: '/quote',
  tags: ['negotiation'],
  summary: 'What-if: admission probability, price, start time and preemption risk of a bid; changes nothing',
  security: bearer,
  middleware: [requireClient] as const,
  request: { body: jsonBody(quoteSchema) },
  responses: { 200: jsonResponse(quoteResultSchema, 'The quote'), ...problems(400, 401, 403, 413, 415) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    return c.json(await quote({ ctx: c.get('ctx'), clientId: clientIdOf(c), input: c.req.valid('json') }), 200);
  });
