/**
 * Nest's logger calls, routed to pino so the API logs one structured format. Code here logs the
 * pino way through Nest's Logger (`logger.warn({ sessionId }, "text")`): an object first becomes
 * the entry's fields (an `err` in it is serialized with its stack), the text its message.
 */
import type { LoggerService } from "@nestjs/common";
import type { Logger } from "@mix/core";

type Level = "info" | "error" | "warn" | "debug" | "trace";

/** Nest passes (message, ...details, context); the context is its last argument when it has one. */
function entry(message: unknown, params: unknown[]): [Record<string, unknown>, string | undefined] {
  const context = params.length > 0 ? params.at(-1) : undefined;
  const details = params.slice(0, -1);
  if (message !== null && typeof message === "object" && !(message instanceof Error)) {
    const [text, ...rest] = details;
    const fields = { ...(message as Record<string, unknown>), context, ...(rest.length > 0 ? { detail: rest } : {}) };
    return [fields, typeof text === "string" ? text : undefined];
  }
  if (message instanceof Error) return [{ err: message, context, ...(details.length > 0 ? { detail: details } : {}) }, message.message];
  return [{ context, ...(details.length > 0 ? { detail: details } : {}) }, String(message)];
}

export function nestLogger(logger: Logger): LoggerService {
  const at =
    (level: Level) =>
    (message: unknown, ...params: unknown[]) => {
      const [fields, text] = entry(message, params);
      logger[level](fields, text);
    };
  return { log: at("info"), error: at("error"), warn: at("warn"), debug: at("debug"), verbose: at("trace") };
}
