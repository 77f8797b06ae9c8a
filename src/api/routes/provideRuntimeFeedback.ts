import { createRoute } from '@hono/zod-openapi';
import { provideRuntimeFeedback } from '../../service/provideRuntimeFeedback.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, idempotencyHeaders, jsonBody, jsonResponse, problems } from '../openapi.js';
import { feedbackAcceptedSchema, feedbackSchema } from '../schemas.js';

export const route = createRoute({
  method: 'post',
  path: '/provide_runtime_feedback',
  tags: ['negotiation'],
  summary: 'Report observed utilization of one of your instances',
  security: bearer,
  middleware: [requireClient] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(feedbackSchema) },
  responses: {
    202: jsonResponse(feedbackAcceptedSchema, 'Samples stored'),
    ...problems(400, 401, 403, 404, 413, 415, 422),
  },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    const response = await provideRuntimeFeedback({
      ctx: c.get('ctx'),
      clientId: clientIdOf(c),
      input: c.req.valid('json'),
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(response.body, response.status as 202);
  });
