/** Worker process entry point: consume agent runs (and maintenance jobs) until SIGTERM, then drain and exit. */
import {
  createInfrastructure,
  createLogger,
  loadConfig,
  McpToolSource,
  runService,
  startMaintenanceWorker,
  startRunWorker,
  startTracing,
  TRACED_SERVICE,
} from "@mix/core";
import { startWorkerMetrics } from "./worker-metrics";

runService(async () => {
  startTracing(TRACED_SERVICE.worker); // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed by runService on stop
  const config = loadConfig();
  const logger = createLogger("worker", config.LOG_LEVEL);
  // One connection per MCP server for the whole process: the runs' tools and the status refresh share it.
  const mcp = new McpToolSource({ config, logger });
  // One set of connections and stores for the whole process, closed once both workers stopped.
  const infrastructure = createInfrastructure(config, logger);
  const worker = await startRunWorker(config, logger, { mcp, infrastructure });
  const maintenance = await startMaintenanceWorker(config, logger, { mcp, infrastructure });
  const metrics = await startWorkerMetrics(config, infrastructure, logger);
  return async (signal) => {
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, "draining active runs before exit");
    await Promise.all([worker.close(), maintenance.close()]);
    await metrics.close();
    await mcp.close();
    await infrastructure.close();
    logger.info("worker stopped");
  };
});
