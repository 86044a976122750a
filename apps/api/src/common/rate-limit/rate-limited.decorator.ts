import { applyDecorators, UseGuards } from "@nestjs/common";
import { ApiResponse } from "@nestjs/swagger";
import { ErrorResponse } from "@mix/core";
import { toOpenApiSchema } from "../openapi/zod-openapi";
import { RateLimitGuard } from "./rate-limit.guard";

/** Counts the route against the caller's per-minute limit (RATE_LIMIT_PER_MINUTE); 429 over it. */
export const RateLimited = () =>
  applyDecorators(
    UseGuards(RateLimitGuard),
    ApiResponse({
      status: 429,
      description: "Rate limit exceeded: retry after the seconds in Retry-After",
      headers: { "Retry-After": { description: "Seconds until the limit resets", schema: { type: "integer" } } },
      schema: toOpenApiSchema(ErrorResponse),
    }),
  );
