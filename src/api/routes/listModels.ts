import { createRoute } from '@hono/zod-openapi';
import { listModels } from '../../service/listModels.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { modelListSchema } from '../modelSchemas.js';
import { bearer, jsonResponse, problems } from '../openapi.js';

export const route = createRoute({
  method: 'get',
  path: '/models',
  tags: ['operator'],
  summary: 'Model versions in the database and the models folder, with their manifest summary and the active one',
  security: bearer,
  middleware: [requireOperator] as const,
  responses: { 200: jsonResponse(modelListSchema, 'The model versions, newest first'), ...problems(401, 403) },
});

export const register = (app: App) => app.openapi(route, async (c) => c.json(await listModels({ ctx: c.get('ctx') }), 200));
