/** Entry point: `npm start` (tsx src/main.ts). Resolves config, starts the service, shuts down cleanly on signals. */
import { pino } from 'pino';
import { ZodError } from 'zod';
import { ConfigError, loadConfig, type Config } from './config/index.js';
import type { EngineConfig } from './market/index.js';
import { ModelRegistry } from './model/registry.js';
import { bindMarketEngine, statisticalModels } from './scheduler/marketEngine.js';
import { startServer } from './server.js';

/** How long SIGTERM waits for in-flight requests and the current round before exiting anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

let engine;
try {
  engine = bindMarketEngine(config.engine as Partial<EngineConfig>);
} catch (err) {
  if (err instanceof ZodError) {
    fail(`Invalid configuration:\n  ${err.issues.map((i) => `engine.${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  }
  throw err;
}

const logger = pino({ level: config.logLevel });
// The learned model named by models/active.json serves when it loads and validates; otherwise (no pointer,
// corrupt or incompatible model) the engine's statistical models serve and decisions record modelVersion null.
const models = new ModelRegistry({
  modelsDir: config.modelsDir,
  fallback: statisticalModels().current(),
  log: (message) => logger.info(message),
});
const activeModel = await models.activateFromPointer();
logger.info({ modelVersion: activeModel }, activeModel ? 'learned model active' : 'statistical predictor active');
const server = await startServer({ config, logger, engine, predictions: models, models });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
