import { createRoute } from '@hono/zod-openapi';
import { getInstanceStatus } from '../../service/getInstanceStatus.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, jsonText, problems } from '../openapi.js';
import { idParam, instanceStatusSchema } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/instances/{id}',
  tags: ['negotiation'],
  summary: 'Status of one of your instances',
  security: bearer,
  middleware: [requireClient] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(instanceStatusSchema, 'The instance'), ...problems(401, 403, 404) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    const instanceId = c.req.valid('param').id;
    return jsonText(c, await getInstanceStatus({ ctx: c.get('ctx'), clientId: clientIdOf(c), instanceId }), 200);
  });
