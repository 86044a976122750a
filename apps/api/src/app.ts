/** Builds a configured API application (used by main, the CLI tools and the tests). */
import "reflect-metadata";
import type { INestApplication } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { SwaggerModule } from "@nestjs/swagger";
import { createLogger, expressRoute, httpServerSpans, openApplication, type ApplicationServices, type Config, type Infrastructure } from "@mix/core";
import type { Express } from "express";
import { AppModule } from "./app.module";
import { corsOptions } from "./common/cors";
import { httpMetrics } from "./common/http-metrics";
import { jsonBody } from "./common/json-body";
import { nestLogger } from "./common/nest-logger";
import { securityHeaders } from "./common/security-headers";
import type { CoreApplication } from "./core/core.module";
import { buildOpenApiDocument } from "./openapi";

export interface ApiApp {
  app: INestApplication;
  services: ApplicationServices;
  /** The connections under the services (tests reach Postgres and Redis through it). */
  infrastructure: Infrastructure;
  close(): Promise<void>;
}

/** The Nest application over a ready-made application (the OpenAPI renderer passes one that never connects). */
export async function createNestApp(application: CoreApplication): Promise<INestApplication> {
  const config: Config = application.infrastructure.config;
  const app = await NestFactory.create(AppModule.forRoot(application), { bodyParser: false, logger: nestLogger(createLogger("api", config.LOG_LEVEL)) });
  // Express would name itself on every answer; nothing gains from telling.
  (app.getHttpAdapter().getInstance() as Express).disable("x-powered-by");
  // First, so every request gets its server span (and a client's traceparent is taken up); a no-op with tracing off.
  app.use(httpServerSpans(expressRoute));
  app.use(httpMetrics());
  app.use(securityHeaders());
  app.enableCors(corsOptions(config.CORS_ORIGINS));
  app.use(jsonBody(config.BODY_LIMIT_BYTES));
  SwaggerModule.setup("api/docs", app, () => buildOpenApiDocument(app), { jsonDocumentUrl: "api/docs/openapi.json" });
  await app.init();
  return app;
}

export async function createApiApp(config: Config): Promise<ApiApp> {
  const application = openApplication(config, createLogger("api-core", config.LOG_LEVEL));
  let app: INestApplication;
  try {
    app = await createNestApp(application);
  } catch (error) {
    // The connections are open already; a failed boot must not leave them holding the process.
    await application.close();
    throw error;
  }
  return {
    app,
    services: application.services,
    infrastructure: application.infrastructure,
    async close() {
      await app.close();
      await application.close();
    },
  };
}
