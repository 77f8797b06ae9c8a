import { createRoute } from '@hono/zod-openapi';
import { submitWorkloadProfile } from '../../service/submitWorkloadProfile.js';
import { clientIdOf, requireClient } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.js';
import { profileCreatedSchema, workloadProfileSchema } from '../schemas.js';

export const route = createRoute({
  method: 'post',
  path: '/submit_workload_profile',
  tags: ['negotiation'],
  summary: 'Declare a workload; returns its id and the predicted utilization',
  security: bearer,
  middleware: [requireClient] as const,
  request: { body: jsonBody(workloadProfileSchema) },
  responses: {
    201: jsonResponse(profileCreatedSchema, 'Profile stored'),
    ...problems(400, 401, 403, 413, 415),
  },
});

export const register = (app: App) =>
  app.openapi(route, async (c) => {
    const body = await submitWorkloadProfile({ ctx: c.get('ctx'), clientId: clientIdOf(c), input: c.req.valid('json') });
    return c.json(body, 201);
  });
