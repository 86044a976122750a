/**
 * A server span per HTTP request, for the API (an Express middleware) and the MCP server. A
 * client's W3C `traceparent` makes the request part of the client's trace. The span is named by
 * the route once it is known (`POST /api/sessions/:sessionId/messages`), not the raw path, so
 * ids do not make every request a span name of its own.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import { tracingEnabled } from "./tracing-setup";

/** The route template of a handled request, or undefined (404, or a server without routes). */
export type RouteOf = (request: IncomingMessage) => string | undefined;

/** Express-style middleware: `app.use(httpServerSpans(routeOf))`. */
export function httpServerSpans(routeOf: RouteOf = () => undefined) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    // Off: not even the no-op span (nor the URL parse its attributes need).
    if (!tracingEnabled()) return next();
    const method = request.method ?? "GET";
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const parent = propagation.extract(context.active(), request.headers);
    const span = trace
      .getTracer("mix")
      .startSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path } }, parent);
    if (!span.isRecording()) return next();
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeOf(request);
      if (route) span.updateName(`${method} ${route}`).setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    // `close` too: a client that hangs up (an SSE stream) never sees `finish`.
    response.once("finish", end).once("close", end);
    // The body arrives in the request's stream events, which run outside this call: bound to the span.
    context.bind(active, request);
    context.with(active, next);
  };
}

/** The Express route of a request (`req.baseUrl` + `req.route.path`), once its handler was matched. */
export function expressRoute(request: IncomingMessage): string | undefined {
  const { baseUrl, route } = request as IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };
  return typeof route?.path === "string" ? `${baseUrl ?? ""}${route.path}` : undefined;
}
