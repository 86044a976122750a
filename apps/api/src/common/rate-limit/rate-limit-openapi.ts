/**
 * The OpenAPI document's account of the request limits: the RateLimitGuard counts every
 * authenticated route that creates work or changes state by its method (no decorator on the
 * route), so each such operation gets its 429 here, with the fields its answers carry.
 */
import type { OpenAPIObject } from "@nestjs/swagger";
import { errorContent } from "../openapi/zod-openapi";

const COUNTED = ["post", "put", "patch", "delete"] as const;

const integer = (description: string) => ({ description, schema: { type: "integer" } });

const RATE_LIMITED = {
  description:
    "Rate limit exceeded (KEY_RATE_LIMIT_PER_MINUTE per API key or WORKSPACE_RATE_LIMIT_PER_MINUTE per workspace, " +
    "unless the workspace's plan sets its own): retry after the seconds in Retry-After",
  headers: {
    "Retry-After": integer("Seconds until the request would be accepted"),
    "RateLimit-Limit": integer("Requests a minute of the limit closest to running out"),
    "RateLimit-Remaining": integer("Requests left of it now"),
    "RateLimit-Reset": integer("Seconds until it is full again"),
    "RateLimit-Policy": { description: 'Every limit counted, e.g. `600;w=60;burst=600;comment="key"`', schema: { type: "string" } },
  },
  content: errorContent(),
};

/** Adds the 429 to every authenticated operation counted by method that does not document one already. */
export function documentRateLimits(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of COUNTED) {
      const operation = path[method];
      // Authenticated operations are the ones that document a 401.
      if (!operation?.responses["401"] || operation.responses["429"]) continue;
      operation.responses["429"] = RATE_LIMITED;
    }
  }
  return document;
}
