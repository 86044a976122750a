/** Where each process serves its Prometheus metrics (metrics/), part of the one Config schema. */
import { z } from "zod";

const metricsPort = z.coerce.number().int().min(0).max(65_535).default(0);

export const METRICS_SETTINGS = {
  /**
   * A bearer token every scrape must send (`Authorization: Bearer <token>`), on the API's
   * `GET /metrics` and on the worker's and MCP server's metrics ports alike; unset, they answer
   * anyone who reaches them (keep them on a private network then).
   */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Port of the worker's metrics server (`GET /metrics`); 0: none. */
  WORKER_METRICS_PORT: metricsPort,
  /** Port of the MCP server's metrics server (`GET /metrics`); 0: none. */
  MCP_METRICS_PORT: metricsPort,
  /** Address the worker's and MCP server's metrics servers listen on. */
  METRICS_HOST: z.string().default("0.0.0.0"),
};
