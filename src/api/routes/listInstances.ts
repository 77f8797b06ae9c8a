import { createRoute, z } from '@hono/zod-openapi';
import { listInstances } from '../../service/listInstances.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { instanceStatusSchema } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/instances',
  tags: ['negotiation'],
  summary: 'All your instances',
  security: bearer,
  middleware: [requireClient] as const,
  responses: {
    200: jsonResponse(z.object({ instances: z.array(instanceStatusSchema) }), 'Your instances, oldest first'),
    ...problems(401, 403),
  },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    return c.json({ instances: await listInstances({ ctx: c.get('ctx'), clientId: clientIdOf(c) }) }, 200);
  });
