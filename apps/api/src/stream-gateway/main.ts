/**
 * Stream gateway entry point: a process that serves `GET /stream` and nothing else, on
 * STREAM_GATEWAY_PORT. Run beside the API when a deployment holds many idle streams: put it
 * behind the same address with `/stream` routed to it (README: "Stream gateway").
 */
import { setFlagsFromString } from "node:v8";
import { createLogger, createStreamInfrastructure, loadConfig, runService } from "@mix/core/streaming";
import { startStreamGateway } from "./gateway-server";

// This process holds sockets that sit idle, and each stream's objects live as long as it does:
// V8 tuned for memory keeps the heap near what the streams hold (10,000 idle streams: ~295 MiB
// RSS, ~470 MiB with the default tuning) for a little more GC time while they open.
setFlagsFromString("--optimize-for-size");

runService(async () => {
  const config = loadConfig();
  const logger = createLogger("stream-gateway", config.LOG_LEVEL);
  const infra = createStreamInfrastructure(config, logger);
  const gateway = await startStreamGateway(infra, { port: config.STREAM_GATEWAY_PORT, host: config.HOST });
  logger.info({ port: gateway.port }, `stream gateway listening on http://localhost:${gateway.port}/stream`);
  return async (signal) => {
    logger.info({ signal }, "shutting down");
    await gateway.close();
    await infra.close();
  };
});
