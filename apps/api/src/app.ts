/** Builds a configured API application (used by main, the CLI tools and the tests). */
import "reflect-metadata";
import type { INestApplication } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { SwaggerModule } from "@nestjs/swagger";
import { createApiServices, createLogger, type ApiServices, type Config } from "@mix/core";
import type { Express } from "express";
import { AppModule } from "./app.module";
import { jsonBody } from "./common/json-body";
import { nestLogger } from "./common/nest-logger";
import { securityHeaders } from "./common/security-headers";
import { buildOpenApiDocument } from "./openapi";

export interface ApiApp {
  app: INestApplication;
  services: ApiServices;
  close(): Promise<void>;
}

/** The Nest application over ready-made services (the OpenAPI renderer passes none that connect). */
export async function createNestApp(services: ApiServices, config: Config): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(services), { bodyParser: false, logger: nestLogger(createLogger("api", config.LOG_LEVEL)) });
  // Express would name itself on every answer; nothing gains from telling.
  (app.getHttpAdapter().getInstance() as Express).disable("x-powered-by");
  app.use(securityHeaders());
  app.use(jsonBody(config.BODY_LIMIT_BYTES));
  SwaggerModule.setup("api/docs", app, () => buildOpenApiDocument(app), { jsonDocumentUrl: "api/docs/openapi.json" });
  await app.init();
  return app;
}

export async function createApiApp(config: Config): Promise<ApiApp> {
  const services = createApiServices(config, createLogger("api-core", config.LOG_LEVEL));
  const app = await createNestApp(services, config);
  return {
    app,
    services,
    async close() {
      await app.close();
      await services.close();
    },
  };
}
