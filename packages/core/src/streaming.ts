/**
 * `@mix/core/streaming`: what serving a session's SSE stream takes, without the rest of core.
 * The stream gateway imports only this, so it loads none of the agent, the queues or the
 * model SDKs; the API imports its stream route's pieces from here too, so both serve one code.
 */
export { loadConfig, ConfigError, type Config } from "./config/config";
export { AppError, forbidden, rateLimited, reasonForStatus, unauthorized, validationError } from "./errors/app-error";
export type { ErrorReason, ErrorResponse, ErrorType } from "./contracts/errors";
export type { EventName, EventPayload, LoggedEvent } from "./contracts/events";
export { isSafeText, UNSAFE_TEXT_MESSAGE } from "./contracts/text";
export { roleAtLeast } from "./contracts/roles";
export { createLogger, type Logger } from "./logging/logger";
export { runService, type StopService } from "./lifecycle/run-service";
export { publishedJson } from "./events/event-fanout";
export { openSessionEventStream, REPLAY_UNAVAILABLE, type OpenStream, type ReplayGap, type StreamHandlers } from "./events/session-event-stream";
export type { KeyAuthenticator, Principal } from "./auth/key-authenticator";
export type { StreamTokenPrincipal } from "./auth/stream-tokens";
export type { StreamSlots } from "./rate-limit/stream-slots";
export type { NotificationsService } from "./notifications/notifications.service";
export type { EventFanout } from "./events/event-fanout";
export type { EventLog } from "./events/event-log";
export { sseClosed, sseEventSent, sseOpened, recordHttpRequest } from "./metrics/record";
export { METRICS_CONTENT_TYPE, renderMetrics } from "./metrics/registry";
export { hasMetricsToken } from "./metrics/metrics-server";
export { createStreamInfrastructure, type StreamInfrastructure } from "./infrastructure/stream-infrastructure";
