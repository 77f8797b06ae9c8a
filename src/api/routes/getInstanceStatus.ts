import { createRoute, z } from '@hono/zod-openapi';
import { getInstanceStatus } from '../../service/getInstanceStatus.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, jsonText, problems } from '../openapi.js';
import { instanceStatusSchema } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/get_instance_status',
  tags: ['negotiation'],
  summary: 'Status of one of your instances (same as GET /instances/{id})',
  security: bearer,
  middleware: [requireClient] as const,
  request: { query: z.object({ instance_id: z.string().min(1) }) },
  responses: { 200: jsonResponse(instanceStatusSchema, 'The instance'), ...problems(400, 401, 403, 404) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    const instanceId = c.req.valid('query').instance_id;
    return jsonText(c, await getInstanceStatus({ ctx: c.get('ctx'), clientId: clientIdOf(c), instanceId }), 200);
  });
