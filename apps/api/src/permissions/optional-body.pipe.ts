/**
 * Like ZodPipe, for routes whose body is optional (the contract's grant and deny take none): a
 * request without a JSON body means "no options"; a body that is sent must match the schema.
 */
import type { PipeTransform } from "@nestjs/common";
import type { z } from "zod";
import { ZodPipe } from "../common/zod-validation.pipe";

export class OptionalBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  private readonly pipe: ZodPipe<S>;

  constructor(schema: S) {
    this.pipe = new ZodPipe(schema);
  }

  transform(value: unknown): z.infer<S> {
    return this.pipe.transform(value === undefined ? {} : value);
  }
}
