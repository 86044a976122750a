/** /health reports its dependencies; the OpenAPI document is served and committed up to date. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@mix/core";
import request from "supertest";
import { createApiApp } from "../src/app";
import { renderOpenApiDocument } from "../src/openapi-file";
import { startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ label: "health", workers: 0 });
});
afterAll(() => stack?.close());

it("answers 200 with both dependencies up", async () => {
  const response = await request(stack.apis[0]!.url).get("/health").expect(200);
  expect(response.body).toEqual({
    status: "ok",
    timestamp: expect.any(String),
    version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    checks: { postgres: "up", redis: "up" },
  });
});

it("answers 503 and names Postgres when the database is unreachable", async () => {
  const config = loadConfig({ ...stack.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", LOG_LEVEL: "silent" });
  const api = await createApiApp(config);
  try {
    const response = await request(api.app.getHttpServer()).get("/health").expect(503);
    expect(response.body).toMatchObject({ status: "unhealthy", checks: { postgres: "down", redis: "up" } });
  } finally {
    await api.close();
  }
});

it("serves the OpenAPI document and Swagger UI at /api/docs", async () => {
  const json = await request(stack.apis[0]!.url).get("/api/docs/openapi.json").expect(200);
  expect(Object.keys(json.body.paths)).toEqual(
    expect.arrayContaining(["/health", "/api/sessions", "/api/sessions/{id}", "/api/sessions/{id}/messages", "/api/sessions/{id}/cancel", "/stream"]),
  );
  const create = json.body.paths["/api/sessions"].post;
  expect(create.requestBody.content["application/json"].schema.required).toEqual(["title"]);
  const ui = await request(stack.apis[0]!.url).get("/api/docs").redirects(1).expect(200);
  expect(ui.text).toContain("swagger");
});

it("matches the committed apps/api/openapi.json (run `pnpm --filter @mix/api openapi` after API changes)", async () => {
  const committed = readFileSync(join(__dirname, "..", "openapi.json"), "utf8");
  expect(await renderOpenApiDocument()).toBe(committed);
});
