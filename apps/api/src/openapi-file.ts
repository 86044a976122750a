/**
 * Renders the OpenAPI document without a database or Redis: the document depends only on the
 * controllers and the schemas, so the app is built over services that are never called.
 */
import { loadConfig, type ApiServices } from "@mix/core";
import { createNestApp } from "./app";
import { buildOpenApiDocument } from "./openapi";

export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig({ DATABASE_URL: "postgresql://openapi@127.0.0.1:1/none", REDIS_URL: "redis://127.0.0.1:1", LOG_LEVEL: "silent" });
  const app = await createNestApp({ config } as ApiServices, config);
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
