/** Worker process entry point: consume agent runs until SIGTERM, then drain and exit. */
import { createLogger, loadConfig, runService, startRunWorker } from "@mix/core";

runService(async () => {
  const config = loadConfig();
  const logger = createLogger("worker", config.LOG_LEVEL);
  const worker = await startRunWorker(config, logger);
  return async (signal) => {
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, "draining active runs before exit");
    await worker.close();
    logger.info("worker stopped");
  };
});
