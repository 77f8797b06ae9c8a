import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Principal } from '../service/authenticate.js';
import type { ServiceContext } from '../service/context.js';

export interface AppEnv {
  Variables: {
    ctx: ServiceContext;
    logger: Logger;
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;
