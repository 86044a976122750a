/**
 * Every HTTP request in the process's metrics (mix_http_requests_total and
 * mix_http_request_duration_seconds), labelled by the route pattern Express matched
 * (`/api/sessions/:id`), never the raw URL: ids in a label would be a series each. A request
 * no route matched is "unmatched". Timed to the answer's end or the client's leaving, so an
 * SSE stream counts once it closes.
 */
import { recordHttpRequest } from "@mix/core";
import type { NextFunction, Request, Response } from "express";

export function httpMetrics() {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    response.once("close", () => {
      const seconds = (performance.now() - startedAt) / 1000;
      recordHttpRequest({ route: routePattern(request), method: request.method, status: response.statusCode }, seconds);
    });
    next();
  };
}

function routePattern(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  return typeof route?.path === "string" ? `${request.baseUrl}${route.path}` : "unmatched";
}
