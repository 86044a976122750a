/** API process entry point: validated config, optional local key, listen, graceful stop. */
import { ConfigError, createLogger, loadConfig } from "@mix/core";
import { createApiApp } from "./app";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger("api", config.LOG_LEVEL);
  const api = await createApiApp(config);
  if (config.MIX_API_KEY) {
    const { workspaceId } = await api.services.apiKeys.ensureKey(config.MIX_API_KEY, "local");
    logger.info({ workspaceId }, "MIX_API_KEY is valid for the local workspace");
  }
  await api.app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, `API listening on http://localhost:${config.PORT} (docs at /api/docs)`);

  const stop = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await api.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
