// The alertsync process: configuration, service, HTTP listener, graceful shutdown on SIGTERM/SIGINT.
// First, before any other module runs: the process's V8 settings.
import './heap-flags.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logging.js';
import { StartupError } from './security/key-store.js';
import { createService } from './service.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`alertsync: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  let service;
  try {
    service = await createService(config, logger);
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`alertsync: cannot start: ${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'cannot start');
    process.exit(1);
  }
  await service.app.listen({ port: config.port, host: config.host });
  if (config.workerEnabled) {
    service.worker.start();
    service.reconciler.start();
  }
  logger.info({ url: `http://${config.host}:${config.port}`, database: service.storage.location, publicUrl: config.publicUrl }, 'alertsync is up');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await service.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
