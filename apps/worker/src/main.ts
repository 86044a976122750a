/** Worker process entry point: consume agent runs (and maintenance jobs) until SIGTERM, then drain and exit. */
import { createInfrastructure, createLogger, loadConfig, McpToolSource, runService, startMaintenanceWorker, startRunWorker } from "@mix/core";

runService(async () => {
  const config = loadConfig();
  const logger = createLogger("worker", config.LOG_LEVEL);
  // One connection per MCP server for the whole process: the runs' tools and the status refresh share it.
  const mcp = new McpToolSource({ config, logger });
  // One set of connections and stores for the whole process, closed once both workers stopped.
  const infrastructure = createInfrastructure(config, logger);
  const worker = await startRunWorker(config, logger, { mcp, infrastructure });
  const maintenance = await startMaintenanceWorker(config, logger, { mcp, infrastructure });
  return async (signal) => {
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, "draining active runs before exit");
    await Promise.all([worker.close(), maintenance.close()]);
    await mcp.close();
    await infrastructure.close();
    logger.info("worker stopped");
  };
});
