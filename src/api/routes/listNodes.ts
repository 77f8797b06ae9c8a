import { createRoute, z } from '@hono/zod-openapi';
import { listNodes } from '../../service/listNodes.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { nodeSchema } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/nodes',
  tags: ['operator'],
  summary: 'Nodes not yet removed, with their live instance counts',
  security: bearer,
  middleware: [requireOperator] as const,
  responses: { 200: jsonResponse(z.object({ nodes: z.array(nodeSchema) }), 'The nodes'), ...problems(401, 403) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => c.json({ nodes: await listNodes({ ctx: c.get('ctx') }) }, 200));
