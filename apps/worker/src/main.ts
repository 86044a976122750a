/** Worker process entry point: consume agent runs (and maintenance jobs) until SIGTERM, then drain and exit. */
import { createLogger, loadConfig, runService, startMaintenanceWorker, startRunWorker } from "@mix/core";

runService(async () => {
  const config = loadConfig();
  const logger = createLogger("worker", config.LOG_LEVEL);
  const worker = await startRunWorker(config, logger);
  const maintenance = await startMaintenanceWorker(config, logger);
  return async (signal) => {
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, "draining active runs before exit");
    await Promise.all([worker.close(), maintenance.close()]);
    logger.info("worker stopped");
  };
});
