/**
 * Tool results. Expected failures (AppError: unknown session 404, bad input 400, busy 409...,
 * and the API's request schemas refusing an argument)
 * become `isError: true` results with the contract's code and message, so the model can read
 * and act on them; the transport never sees an exception for them.
 */
import { AppError, describeZodError } from "@mix/core";
import { ZodError } from "zod";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** A data result: the JSON in `structuredContent`, and as text for clients that ignore it. */
export function dataResult<T extends object>(data: T, summary?: string): CallToolResult & { structuredContent: T } {
  const json = JSON.stringify(data, null, 2);
  return {
    content: [{ type: "text", text: summary ? `${summary}\n\n${json}` : json }],
    structuredContent: data as T & Record<string, unknown>,
  };
}

export function errorResult(error: unknown): CallToolResult {
  if (error instanceof AppError) {
    return { isError: true, content: [{ type: "text", text: `Error ${error.status} (${error.type}): ${error.message}` }] };
  }
  // The REST API's request schemas, applied to a tool's arguments (field names are the API's).
  if (error instanceof ZodError) {
    return { isError: true, content: [{ type: "text", text: `Error 400 (validation_error): ${describeZodError(error)}` }] };
  }
  // Unexpected failures are reported too, but without internals a client should not see.
  return { isError: true, content: [{ type: "text", text: `Internal error: the operation failed (${(error as Error)?.name ?? "Error"})` }] };
}

/** Runs a tool body and turns a thrown error into an error result. */
export async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return errorResult(error);
  }
}
