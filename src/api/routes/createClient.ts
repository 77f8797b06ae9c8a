import { createRoute } from '@hono/zod-openapi';
import { createClient } from '../../service/createClient.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.js';
import { clientCreatedSchema, createClientSchema } from '../schemas.js';

export const route = createRoute({
  method: 'post',
  path: '/clients',
  tags: ['operator'],
  summary: 'Register a client; the API key is shown only in this response',
  security: bearer,
  middleware: [requireOperator] as const,
  request: { body: jsonBody(createClientSchema) },
  responses: { 201: jsonResponse(clientCreatedSchema, 'Client created'), ...problems(400, 401, 403, 413, 415) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => c.json(await createClient({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201));
