/** Builds a configured API application (used by main, the CLI tools and the tests). */
import "reflect-metadata";
import { type INestApplication, type LoggerService } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { SwaggerModule } from "@nestjs/swagger";
import { createApiServices, createLogger, type ApiServices, type Config } from "@mix/core";
import { AppModule } from "./app.module";
import { jsonBody } from "./common/json-body";
import { buildOpenApiDocument } from "./openapi";

export interface ApiApp {
  app: INestApplication;
  services: ApiServices;
  close(): Promise<void>;
}

/** Nest's logger calls, routed to pino so the API logs one structured format. */
function nestLogger(config: Config): LoggerService {
  const logger = createLogger("api", config.LOG_LEVEL);
  const text = (message: unknown) => (typeof message === "string" ? message : JSON.stringify(message));
  return {
    log: (message, context) => logger.info({ context }, text(message)),
    error: (message, ...rest) => logger.error({ context: rest.at(-1), detail: rest.slice(0, -1) }, text(message)),
    warn: (message, context) => logger.warn({ context }, text(message)),
    debug: (message, context) => logger.debug({ context }, text(message)),
    verbose: (message, context) => logger.trace({ context }, text(message)),
  };
}

/** The Nest application over ready-made services (the OpenAPI renderer passes none that connect). */
export async function createNestApp(services: ApiServices, config: Config): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(services), { bodyParser: false, logger: nestLogger(config) });
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
