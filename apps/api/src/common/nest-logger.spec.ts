/** nestLogger: Nest's calls become pino entries with fields, the error and the context kept. */
import type { Logger } from "@mix/core";
import { nestLogger } from "./nest-logger";

function recording() {
  const entries: { level: string; fields: Record<string, unknown>; message: unknown }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: unknown) => entries.push({ level, fields, message });
  const logger = { info: at("info"), error: at("error"), warn: at("warn"), debug: at("debug"), trace: at("trace") } as unknown as Logger;
  return { entries, service: nestLogger(logger) };
}

it("turns an object first into the entry's fields and the text after it into the message", () => {
  const { entries, service } = recording();
  const err = new Error("boom");
  service.error({ errorId: "id-1", err }, "unhandled error id-1", "HttpExceptionFilter");
  service.warn!({ sessionId: "s" }, "slow client", "StreamController");
  expect(entries).toEqual([
    { level: "error", fields: { errorId: "id-1", err, context: "HttpExceptionFilter" }, message: "unhandled error id-1" },
    { level: "warn", fields: { sessionId: "s", context: "StreamController" }, message: "slow client" },
  ]);
});

it("keeps Nest's own text calls, with their stack and context", () => {
  const { entries, service } = recording();
  service.log("Mapped {/health, GET} route", "RouterExplorer");
  service.error("Failed", "stack trace", "ExceptionsHandler");
  const err = new Error("thrown");
  service.error(err, "ExceptionsHandler");
  expect(entries).toEqual([
    { level: "info", fields: { context: "RouterExplorer" }, message: "Mapped {/health, GET} route" },
    { level: "error", fields: { context: "ExceptionsHandler", detail: ["stack trace"] }, message: "Failed" },
    { level: "error", fields: { err, context: "ExceptionsHandler" }, message: "thrown" },
  ]);
});
