/** The OpenAPI document, generated from the controllers and the contracts' zod schemas. */
import type { INestApplication } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from "@nestjs/swagger";
import { documentRateLimits } from "./common/rate-limit/rate-limit-openapi";
import { APP_VERSION } from "./version";

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle("Mix agent backend API")
    .setDescription(
      "Sessions, messages and live events of AI agent runs. Compatible with the Mix REST API; every route but " +
        "/health needs `Authorization: Bearer <api key>`. Errors are `{ error: { code, message, type } }`.",
    )
    .setVersion(APP_VERSION)
    .addServer("http://localhost:8088")
    .addBearerAuth()
    .addSecurityRequirements("bearer")
    .build();
  return documentRateLimits(SwaggerModule.createDocument(app, config));
}
