import { createRoute } from '@hono/zod-openapi';
import { terminateInstance } from '../../service/terminateInstance.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { idParam, instanceStatusSchema } from '../schemas.js';

export const route = createRoute({
  method: 'delete',
  path: '/instances/{id}',
  tags: ['negotiation'],
  summary: 'Stop one of your instances (state terminated; its capacity is freed for the next round)',
  description:
    'Idempotent: stopping an instance that is already terminated answers its status again. A preempted or completed ' +
    'instance has already ended: 409 instance_finished.',
  security: bearer,
  middleware: [requireClient] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(instanceStatusSchema, 'The terminated instance'), ...problems(401, 403, 404, 409) },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    const instanceId = c.req.valid('param').id;
    return c.json(await terminateInstance({ ctx: c.get('ctx'), clientId: clientIdOf(c), instanceId }), 200);
  });
