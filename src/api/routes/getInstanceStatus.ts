import { createRoute, z } from '@hono/zod-openapi';
import { getInstanceStatus } from '../../service/getInstanceStatus.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, jsonText, problems } from '../openapi.js';
import { instanceStatusSchema } from '../schemas.js';
import { validationError } from '../validation.js';

const query = z.object({ instance_id: z.string().min(1) });

export const route = createRoute({
  method: 'get',
  path: '/get_instance_status',
  tags: ['negotiation'],
  summary: 'Status of one of your instances (same as GET /instances/{id})',
  security: bearer,
  middleware: [requireClient] as const,
  request: { query },
  responses: { 200: jsonResponse(instanceStatusSchema, 'The instance'), ...problems(400, 401, 403, 404) },
});

/**
 * The hottest route, so it validates its query itself with the same schema: the generic validator parses every
 * query parameter into arrays first (c.req.queries), which cost more than the rest of a cached status read's
 * handling. The contract in /openapi.json comes from `route`, as for every other route.
 */
export const register = (app: App) => {
  app.openAPIRegistry.registerPath(route);
  app.get(route.path, requireClient, async (c) => {
    const parsed = query.safeParse({ instance_id: c.req.query('instance_id') });
    if (!parsed.success) throw validationError(parsed.error, 'query');
    return jsonText(c, await getInstanceStatus({ ctx: c.get('ctx'), clientId: clientIdOf(c), instanceId: parsed.data.instance_id }), 200);
  });
};
