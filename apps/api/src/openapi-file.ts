/**
 * Renders the OpenAPI document without a database or Redis: the document depends only on the
 * controllers and the schemas, so the app is built over stand-ins that are never called.
 */
import { loadConfig } from "@mix/core";
import { createNestApp } from "./app";
import { offlineApplication } from "./core/offline-application";
import { buildOpenApiDocument } from "./openapi";

export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig({ DATABASE_URL: "postgresql://openapi@127.0.0.1:1/none", REDIS_URL: "redis://127.0.0.1:1", LOG_LEVEL: "silent" });
  const app = await createNestApp(offlineApplication(config));
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
