/** The MCP server's Prometheus metrics (process, Redis and Postgres) on MCP_METRICS_PORT (0: none). */
import { startMetricsServer, type Config, type Logger } from "@mix/core";

export async function startMcpMetrics(config: Config, logger: Logger): Promise<{ close(): Promise<void> }> {
  if (!config.MCP_METRICS_PORT) return { close: async () => undefined };
  const server = await startMetricsServer({ port: config.MCP_METRICS_PORT, host: config.METRICS_HOST, token: config.METRICS_TOKEN });
  logger.info({ port: server.port }, "MCP server metrics at /metrics");
  return server;
}
