import { createRoute } from '@hono/zod-openapi';
import { drainNode } from '../../service/drainNode.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { idParam, nodeSchema } from '../schemas.js';

export const route = createRoute({
  method: 'delete',
  path: '/nodes/{id}',
  tags: ['operator'],
  summary: 'Drain and remove a node: its instances get notice and are moved or preempted',
  security: bearer,
  middleware: [requireOperator] as const,
  request: { params: idParam },
  responses: { 202: jsonResponse(nodeSchema, 'Draining started'), ...problems(401, 403, 404) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => c.json(await drainNode({ ctx: c.get('ctx'), nodeId: c.req.valid('param').id }), 202));
