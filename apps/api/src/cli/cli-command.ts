/**
 * One command of the administration command line (`pnpm mix <group> <verb> ...`). Commands act
 * on a workspace through the application services, as an admin would through the REST API, so
 * the same checks and audit entries apply; `--workspace <id>` names it where needed.
 */
import type { Application, Config } from "@mix/core";

export interface CliContext {
  config: Config;
  application: Pick<Application, "infrastructure" | "services">;
  /** Prints one line of the command's answer on stdout (errors go to stderr through a thrown Error). */
  out(line: string): void;
}

export interface CliCommand {
  /** The words that name it, e.g. ["key", "create"]. */
  name: [string, string] | [string];
  /** e.g. "key create --workspace <id> --name <name> --role <role> [--member <id> | --service <name>] [--expires <ISO date>]" */
  usage: string;
  summary: string;
  /** Options (node:util parseArgs): each a string option unless listed in `booleans`. */
  options: readonly string[];
  booleans?: readonly string[];
  run(values: Record<string, string | boolean | undefined>, positionals: string[], context: CliContext): Promise<void>;
}
