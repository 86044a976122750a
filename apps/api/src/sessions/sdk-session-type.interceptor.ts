/**
 * Serves forked sessions to each Mix SDK generation in a shape it accepts: a client whose
 * User-Agent names a Mix SDK of v0.11.0 or later sees `sessionType: "main"` for a fork (its
 * SessionData enum is main|subagent, so "forked" would fail its response validation and break
 * a whole list); every other client sees "forked", as the seeds' contract says.
 */
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from "@nestjs/common";
import type { Request, Response } from "express";
import { map, type Observable } from "rxjs";
import { seesForksAsMain } from "../common/mix-sdk-user-agent";

function forkAsMain(value: unknown): unknown {
  if (value && typeof value === "object" && (value as { sessionType?: unknown }).sessionType === "forked") {
    return { ...value, sessionType: "main" };
  }
  return value;
}

/** Maps a SessionData answer, or a list of them; anything else passes through untouched. */
export function showForksAsMain(body: unknown): unknown {
  return Array.isArray(body) ? body.map(forkAsMain) : forkAsMain(body);
}

/** For the routes that answer SessionData or a list of it. */
@Injectable()
export class SdkSessionTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    // The answer depends on the User-Agent, so a cache must not hand one client's to the other.
    http.getResponse<Response>().vary("User-Agent");
    if (!seesForksAsMain(http.getRequest<Request>().headers["user-agent"])) return next.handle();
    return next.handle().pipe(map(showForksAsMain));
  }
}
