import { createRoute } from '@hono/zod-openapi';
import { activateModel } from '../../service/activateModel.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { activationSchema, versionParam } from '../modelSchemas.js';
import { bearer, jsonResponse, problems } from '../openapi.js';

const refused = problems(409, 422, 503);

export const route = createRoute({
  method: 'post',
  path: '/models/{version}/activate',
  tags: ['operator'],
  summary: 'Load, validate, warm up and swap in a model version; a refused version leaves the active one serving',
  security: bearer,
  middleware: [requireOperator] as const,
  request: { params: versionParam },
  responses: {
    200: jsonResponse(activationSchema, 'The version serves from the next clearing round on'),
    ...problems(400, 401, 403, 404),
    409: { ...refused[409]!, description: 'model_incompatible: its manifest does not match the feature spec this server serves' },
    422: { ...refused[422]!, description: 'model_corrupt: its files are unreadable or its weights fail their checksum' },
    503: { ...refused[503]!, description: 'The service runs without a model registry' },
  },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => c.json(await activateModel({ ctx: c.get('ctx'), version: c.req.valid('param').version }), 200));
