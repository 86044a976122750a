/**
 * Every command group of `pnpm mix`, in the order `pnpm mix help` lists them. A new group is
 * its own file exporting a `CliCommand[]`, added here with one line.
 */
import type { CliCommand } from "../cli-command";
import { auditCommands } from "./audit";
import { credentialsCommands } from "./credentials";
import { creditCommands } from "./credits";
import { keyCommands } from "./keys";
import { memberCommands } from "./members";
import { planCommands } from "./plans";
import { usageCommands } from "./usage";
import { workspaceCommands } from "./workspace";

export const COMMAND_GROUPS: readonly (readonly CliCommand[])[] = [
  workspaceCommands,
  memberCommands,
  keyCommands,
  auditCommands,
  credentialsCommands,
  planCommands,
  creditCommands,
  usageCommands,
  // One line per group below this one, e.g. `usageCommands,`.
];
