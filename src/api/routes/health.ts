import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { DomainError } from '../../service/errors.js';
import type { App } from '../env.js';
import { jsonResponse, problems } from '../openapi.js';

const statusSchema = z.object({ status: z.literal('ok') });

export const liveness = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is up',
  responses: { 200: jsonResponse(statusSchema, 'Alive') },
});

export const readiness = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'The database answers and the service is not shutting down',
  responses: { 200: jsonResponse(statusSchema, 'Ready'), ...problems(503) },
});

export const register = (app: App, isShuttingDown: () => boolean) => {
  app.openapi(liveness, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readiness, async (c) => {
    if (isShuttingDown()) throw new DomainError('not_ready', 'Shutting down');
    try {
      await c.get('ctx').db.execute(sql`select 1`);
    } catch {
      throw new DomainError('not_ready', 'The database does not answer');
    }
    return c.json({ status: 'ok' as const }, 200);
  });
};
