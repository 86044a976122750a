/** Turns a zod error into one sentence a client can act on. */
import type { z } from "zod";

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys") return `unknown field(s): ${issue.keys.join(", ")}`;
      const path = issue.path.join(".");
      // Messages we wrote ourselves already name the field.
      if (path && !issue.message.startsWith(String(issue.path[0]))) return `${path}: ${issue.message}`;
      return issue.message;
    })
    .join("; ");
}
