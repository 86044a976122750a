/** API process entry point: validated config, optional local key, listen, graceful stop. */
import { createLogger, loadConfig, runService, startTracing, TRACED_SERVICE } from "@mix/core";
import { createApiApp } from "./app";
import { installProcessSafetyNet } from "./common/process-safety-net";

// Long enough for in-flight requests to finish; open SSE streams never do, so this bounds them.
const FATAL_STOP_GRACE_MS = 10_000;

runService(async () => {
  startTracing(TRACED_SERVICE.api); // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed by runService on stop
  const config = loadConfig();
  const logger = createLogger("api", config.LOG_LEVEL);
  const api = await createApiApp(config);
  installProcessSafetyNet({ logger, stop: () => api.close(), graceMs: FATAL_STOP_GRACE_MS });
  if (config.MIX_API_KEY) {
    const { workspaceId } = await api.services.apiKeys.ensureKey(config.MIX_API_KEY, "local");
    logger.info({ workspaceId }, "MIX_API_KEY is valid for the local workspace");
  }
  await api.app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, `API listening on http://localhost:${config.PORT} (docs at /api/docs)`);
  return async (signal) => {
    logger.info({ signal }, "shutting down");
    await api.close();
  };
});
