/**
 * `pnpm mix <group> <verb> [options]`: finds the command, parses its options (node:util
 * parseArgs, strict), opens the application only for a command that runs, and maps failures to
 * exit codes: 0 done, 1 the command failed (bad input, unknown id, ...), 2 a usage mistake.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { AppError, ConfigError } from "@mix/core";
import type { CliCommand, CliContext } from "./cli-command";
import { UsageError } from "./cli-options";
import { COMMAND_GROUPS } from "./commands";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** What a running command gets, and how it is closed after; opened only once a command is known and parsed. */
export type OpenContext = (io: CliIo) => Promise<{ context: CliContext; close(): Promise<void> }>;

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function usage(commands: readonly CliCommand[] = COMMAND_GROUPS.flat()): string[] {
  return ["Usage: pnpm mix <command> [options]", "", "Commands:", ...commands.flatMap((command) => [`  ${command.usage}`, `      ${command.summary}`])];
}

function findCommand(argv: string[], commands: readonly CliCommand[]): { command: CliCommand; rest: string[] } | undefined {
  const two = commands.find((command) => command.name.length === 2 && command.name[0] === argv[0] && command.name[1] === argv[1]);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = commands.find((command) => command.name.length === 1 && command.name[0] === argv[0]);
  return one ? { command: one, rest: argv.slice(1) } : undefined;
}

function parse(command: CliCommand, args: string[]) {
  const options: ParseArgsConfig["options"] = { help: { type: "boolean", short: "h" } };
  for (const name of command.options) options[name] = { type: "string" };
  for (const name of command.booleans ?? []) options[name] = { type: "boolean" };
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

export async function runCli(argv: string[], io: CliIo, open: OpenContext, commands: readonly CliCommand[] = COMMAND_GROUPS.flat()): Promise<number> {
  if (argv.length === 0 || ["help", "--help", "-h"].includes(argv[0]!)) {
    usage(commands).forEach((line) => io.out(line));
    return EXIT.ok;
  }
  const found = findCommand(argv, commands);
  if (!found) {
    io.err(`mix: unknown command "${argv.slice(0, 2).join(" ")}"`);
    usage(commands).forEach((line) => io.err(line));
    return EXIT.usage;
  }
  const { command, rest } = found;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(command, rest);
  } catch (error) {
    io.err(`mix: ${(error as Error).message}`);
    io.err(`Usage: pnpm mix ${command.usage}`);
    return EXIT.usage;
  }
  if (parsed.values.help === true) {
    io.out(`Usage: pnpm mix ${command.usage}`);
    io.out(command.summary);
    return EXIT.ok;
  }
  let opened: Awaited<ReturnType<OpenContext>> | undefined;
  try {
    opened = await open(io);
    // No option is `multiple`, so every value is one string or boolean.
    await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, opened.context);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mix: ${error.message}`);
      io.err(`Usage: pnpm mix ${command.usage}`);
      return EXIT.usage;
    }
    io.err(`mix ${command.name.join(" ")}: ${describeFailure(error)}`);
    return EXIT.failed;
  } finally {
    await opened?.close();
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof AppError) return `${error.message} (${error.status} ${error.reason})`;
  if (error instanceof ConfigError || error instanceof Error) return error.message;
  return String(error);
}
