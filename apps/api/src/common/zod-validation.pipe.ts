/** Validates a body or query against a zod schema from the contracts; 400 with a clear message. */
import type { PipeTransform } from "@nestjs/common";
import { describeZodError, validationError } from "@mix/core";
import type { z } from "zod";

export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    // The JSON parser leaves the body undefined when the request is not JSON at all.
    if (value === undefined) throw validationError("request body must be a JSON object sent with Content-Type: application/json");
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw validationError("request body must be a JSON object");
    const result = this.schema.safeParse(value);
    if (!result.success) throw validationError(describeZodError(result.error));
    return result.data;
  }
}
