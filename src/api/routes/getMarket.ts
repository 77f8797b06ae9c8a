import { createRoute } from '@hono/zod-openapi';
import { getMarket } from '../../service/getMarket.js';
import { requireOperator } from '../auth.js';
import type { App } from '../env.js';
import { bearer, jsonResponse, problems } from '../openapi.js';
import { marketSchema } from '../schemas.js';

export const route = createRoute({
  method: 'get',
  path: '/market',
  tags: ['operator'],
  summary: 'Capacity, allocation, usage, clearing prices and pending demand',
  security: bearer,
  middleware: [requireOperator] as const,
  responses: { 200: jsonResponse(marketSchema, 'The market'), ...problems(401, 403) },
});

export const register = (app: App) => app.openapi(route, async (c) => c.json(await getMarket({ ctx: c.get('ctx') }), 200));
