/**
 * Puts the contracts' zod schemas into the generated OpenAPI document, so the document and the
 * validation come from one source.
 */
import { applyDecorators } from "@nestjs/common";
import { ApiBody, ApiResponse } from "@nestjs/swagger";
import type { SchemaObject } from "@nestjs/swagger/dist/interfaces/open-api-spec.interface";
import { ErrorResponse } from "@mix/core";
import { z } from "zod";

export function toOpenApiSchema(schema: z.ZodType, io: "input" | "output" = "output"): SchemaObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Record<string, unknown>;
  return json as SchemaObject;
}

export const ApiZodBody = (schema: z.ZodType) => ApiBody({ schema: toOpenApiSchema(schema, "input") });

export const ApiZodResponse = (status: number, schema: z.ZodType, description: string) => ApiResponse({ status, description, schema: toOpenApiSchema(schema) });

/** The error body, as JSON whatever the route's success answers are (an event stream, a file). */
export const errorContent = () => ({ "application/json": { schema: toOpenApiSchema(ErrorResponse) } });

/** The error statuses a route can answer, all in the contract's error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: `Error (${status})`, content: errorContent() })));
