import { createRoute } from '@hono/zod-openapi';
import { addNode } from '../../service/addNode.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.js';
import { nodeInputSchema, nodeSchema } from '../schemas.js';

export const route = createRoute({
  method: 'post',
  path: '/nodes',
  tags: ['operator'],
  summary: 'Add a node (cores, MiB, Mbps, labels)',
  security: bearer,
  middleware: [requireOperator] as const,
  request: { body: jsonBody(nodeInputSchema) },
  responses: { 201: jsonResponse(nodeSchema, 'Node added'), ...problems(400, 401, 403, 409, 413, 415) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => c.json(await addNode({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201));
