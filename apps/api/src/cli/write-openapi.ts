#!/usr/bin/env node
/** Writes the generated OpenAPI document to apps/api/openapi.json (committed; a test checks it). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderOpenApiDocument } from "../openapi-file";

async function main(): Promise<void> {
  const path = join(__dirname, "..", "..", "openapi.json");
  writeFileSync(path, await renderOpenApiDocument());
  process.stdout.write(`Wrote ${path}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`write-openapi failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
