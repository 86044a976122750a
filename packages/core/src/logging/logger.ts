/** Structured logs (pino), with secrets redacted inside the logger itself. */
import pino, { type DestinationStream, type Logger } from "pino";
import { logContextMixin } from "../tracing/log-context";

export type { Logger };

/** `destination`: where the lines go (stdout unless given; tests capture them). */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ["*.authorization", "*.headers.authorization", "apiKey", "*.apiKey", "key", "*.api_key", "req.headers.cookie"],
      censor: "[redacted]",
    },
    // A run's lines carry its run, session and workspace ids, and the trace they belong to.
    mixin: logContextMixin,
  };
  return destination ? pino(options, destination) : pino(options);
}
