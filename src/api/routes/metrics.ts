import { createRoute, z } from '@hono/zod-openapi';
import type { Metrics } from '../../service/metrics.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, problems } from '../openapi.js';

export const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operator'],
  summary: 'Prometheus metrics',
  security: bearer,
  middleware: [requireOperator] as const,
  responses: {
    200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: z.string() } } },
    ...problems(401, 403),
  },
});

export const register = (app: App, metrics: Metrics) =>
  app.openapi(route, async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
