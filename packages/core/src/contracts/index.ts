/**
 * The wire contracts: zod schemas of every request, response, SSE event and job payload.
 * A leaf: depends on nothing but zod, so a client can import it without Redis or Prisma.
 */
export * from "./errors";
export * from "./text";
export * from "./callbacks";
export * from "./browser-mode";
export * from "./sessions";
export * from "./messages";
export * from "./events";
export * from "./notifications";
export * from "./jobs";
export * from "./run-status";
export * from "./roles";
export * from "./health";
export * from "./chat";
export * from "./session-actions";
export * from "./commands";
export * from "./stream-message";
export * from "./preferences";
export * from "./provider-auth";
export * from "./provider-oauth";
export * from "./files";
export * from "./system";
export * from "./tools";
export * from "./permissions";
export * from "./sandbox";
export * from "./audit";
export * from "./workspace-admin";
export * from "./credits";
export * from "./workspace-profile";
export * from "./knowledge";
