/** What the commands of `pnpm mix` share: reading their options, who they act as, printing rows. */
import { describeZodError, SYSTEM_ACTOR, validationError, type Acting } from "@mix/core";
import type { z } from "zod";
import type { CliContext } from "./cli-command";

/** A mistake in how a command was called: exit code 2, with the command's usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The command line acts as the system, with an owner's rights; its audit entries say `via: "cli"`. */
export const CLI_ACTING: Acting = { actor: SYSTEM_ACTOR, role: "owner", via: "cli" };

export type CliValues = Record<string, string | boolean | undefined>;

export function option(values: CliValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function requireOption(values: CliValues, name: string): string {
  const value = option(values, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** Exactly `names.length` positionals, named in the message when one is missing. */
export function positionals(given: string[], ...names: string[]): string[] {
  if (given.length < names.length) throw new UsageError(`<${names[given.length]}> is required`);
  if (given.length > names.length) throw new UsageError(`unexpected argument: ${given[names.length]}`);
  return given;
}

/** The workspace of `--workspace <id>`, which must exist. */
export async function workspaceOf(values: CliValues, context: CliContext): Promise<string> {
  const workspace = await context.application.services.workspaces.require(requireOption(values, "workspace"));
  return workspace.id;
}

/** Parses what the command line gathered with the REST API's own schema: the same rules, the same messages. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(describeZodError(result.error));
  return result.data;
}

/** Rows as tab-separated columns under a header, or one JSON document with --json. */
export function printRows<T extends object>(context: CliContext, values: CliValues, rows: T[], columns: Record<string, (row: T) => string | null>): void {
  if (values.json === true) {
    context.out(JSON.stringify(rows, null, 2));
    return;
  }
  context.out(Object.keys(columns).join("\t"));
  for (const row of rows)
    context.out(
      Object.values(columns)
        .map((cell) => cell(row) ?? "-")
        .join("\t"),
    );
}
