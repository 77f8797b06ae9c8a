/**
 * The app factory: one Hono app per service instance, built from its dependencies. Routes live one per file under
 * ./routes; this file wires the cross-cutting parts (context, metrics, body limit, errors, OpenAPI, docs).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { ServiceContext } from '../service/context.js';
import { DomainError } from '../service/errors.js';
import type { Metrics } from '../service/metrics.js';
import type { App, AppEnv } from './env.js';
import { problemResponse, toDomainError } from './problem.js';
import * as activateModel from './routes/activateModel.js';
import * as addNode from './routes/addNode.js';
import * as createClient from './routes/createClient.js';
import * as drainNode from './routes/drainNode.js';
import * as getBid from './routes/getBid.js';
import * as getInstance from './routes/getInstance.js';
import * as getInstanceStatus from './routes/getInstanceStatus.js';
import * as getMarket from './routes/getMarket.js';
import * as health from './routes/health.js';
import * as listInstances from './routes/listInstances.js';
import * as listLedger from './routes/listLedger.js';
import * as listModels from './routes/listModels.js';
import * as listNodes from './routes/listNodes.js';
import * as metricsRoute from './routes/metrics.js';
import * as provideRuntimeFeedback from './routes/provideRuntimeFeedback.js';
import * as quote from './routes/quote.js';
import * as submitBid from './routes/submitBid.js';
import * as submitWorkloadProfile from './routes/submitWorkloadProfile.js';
import * as terminateInstance from './routes/terminateInstance.js';
import * as withdrawBid from './routes/withdrawBid.js';
import { defaultHook } from './validation.js';

export interface AppDeps {
  ctx: ServiceContext;
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted request body; larger ones get 413. */
  maxBodyBytes: number;
  isShuttingDown?: () => boolean;
}

export function createApp(deps: AppDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook });

  app.use('*', async (c, next) => {
    c.set('ctx', deps.ctx);
    c.set('logger', deps.logger);
    const started = performance.now();
    await next();
    // routePath is the matched pattern (/bids/:id), which keeps the label set small.
    deps.metrics.http.observe(c.req.method, c.req.routePath || 'unmatched', c.res.status, (performance.now() - started) / 1000);
  });
  const limitBody = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: (c) => problemResponse(c, new DomainError('payload_too_large', `The request body exceeds ${deps.maxBodyBytes} bytes`)),
  });
  // GET and HEAD carry no body (@hono/node-server gives them none); asking for one would build a full Request.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  for (const route of [
    submitWorkloadProfile,
    submitBid,
    getBid,
    withdrawBid,
    getInstanceStatus,
    getInstance,
    terminateInstance,
    listInstances,
    provideRuntimeFeedback,
    quote,
    createClient,
    addNode,
    listNodes,
    drainNode,
    listLedger,
    getMarket,
    listModels,
    activateModel,
  ]) {
    route.register(app);
  }
  metricsRoute.register(app, deps.metrics);
  health.register(app, deps.isShuttingDown ?? (() => false));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A client API key (POST /clients) or the operator token',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Parley',
      version: '0.1.0',
      description:
        'A market for interruptible compute that negotiates on price, priority, predicted utilization and interference. ' +
        'Units: CPU in cores, memory in MiB, network in Mbps, money per instance-hour. Errors are RFC 9457 problem+json.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'Parley API' }));

  app.notFound((c) => problemResponse(c, new DomainError('route_not_found', `No route ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    const domain = toDomainError(err);
    if (domain.code === 'internal') deps.logger.error({ err, path: c.req.path }, 'unhandled error');
    return problemResponse(c, domain);
  });
  return app;
}
