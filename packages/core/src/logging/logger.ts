/** Structured logs (pino), with secrets redacted inside the logger itself. */
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ["*.authorization", "*.headers.authorization", "apiKey", "*.apiKey", "key", "*.api_key", "req.headers.cookie"],
      censor: "[redacted]",
    },
  });
}
