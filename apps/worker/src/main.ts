/** Worker process entry point: consume agent runs until SIGTERM, then drain and exit. */
import { ConfigError, createLogger, loadConfig, startRunWorker } from "@mix/core";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger("worker", config.LOG_LEVEL);
  const worker = await startRunWorker(config, logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, "draining active runs before exit");
    await worker.close();
    logger.info("worker stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
