/**
 * The worker's Prometheus metrics on WORKER_METRICS_PORT (0: none): what its runs did, and the
 * depth of every queue, read from Redis on each scrape.
 */
import { startMetricsServer, watchQueueMetrics, type Config, type Infrastructure, type Logger } from "@mix/core";

export async function startWorkerMetrics(config: Config, infrastructure: Infrastructure, logger: Logger): Promise<{ close(): Promise<void> }> {
  if (!config.WORKER_METRICS_PORT) return { close: async () => undefined };
  const queues = watchQueueMetrics(infrastructure);
  const server = await startMetricsServer({ port: config.WORKER_METRICS_PORT, host: config.METRICS_HOST, token: config.METRICS_TOKEN });
  logger.info({ port: server.port }, "worker metrics at /metrics");
  return {
    async close() {
      await server.close();
      await queues.close();
    },
  };
}
