/**
 * The commands a message may start with: the built-ins plus `<name>.md` files in COMMANDS_DIR.
 * The folder is looked at again at most once per second, so edits show up without a restart
 * and a busy API does not stat the disk on every message.
 */
import { resolve } from "node:path";
import { MAX_MESSAGE_TEXT_LENGTH, type CommandDetails, type CommandSummary } from "../contracts";
import { notFound, validationError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import { BUILTIN_COMMANDS, type CommandDefinition } from "./builtin-commands";
import { scanCommandFolder, type FolderScan } from "./command-folder";
import { expandTemplate, parseInvocation } from "./command-template";

export const COMMANDS_RESCAN_INTERVAL_MS = 1_000;

export interface CommandRegistryOptions {
  dir: string;
  logger: Logger;
  /** The clock that paces rescans (tests pass their own to rescan without waiting). */
  now?: () => number;
}

export class CommandRegistry {
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly builtins = new Map(BUILTIN_COMMANDS.map((command) => [command.name, command]));
  private scan: FolderScan = new Map();
  private scannedAt = Number.NEGATIVE_INFINITY;
  private scanning: Promise<void> | null = null;

  constructor(options: CommandRegistryOptions) {
    this.dir = resolve(options.dir);
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  /** Built-ins first, in their own order, then custom commands by name. */
  async list(): Promise<CommandSummary[]> {
    return (await this.all()).map(({ name, description }) => ({ name, description }));
  }

  /** 404 for a name that is not a command. */
  async get(name: string): Promise<CommandDetails> {
    const command = await this.find(name);
    if (!command) throw notFound("Command");
    return { name: command.name, description: command.description, usage: usageOf(command) };
  }

  /**
   * The prompt for a message `/name args` when `name` is a command; null for any other text
   * (an unknown `/something` is sent as typed). 400 when the expansion is empty or too long.
   */
  async expandCommand(text: string): Promise<string | null> {
    const invocation = parseInvocation(text);
    if (!invocation) return null;
    const command = await this.find(invocation.name);
    if (!command) return null;
    const extra: Record<string, string> = this.builtins.has(command.name) ? { COMMANDS: await this.listing() } : {};
    const prompt = expandTemplate(command.template, invocation.args, extra);
    if (prompt === "") throw validationError(`/${command.name} needs arguments: ${usageOf(command)}`);
    if (prompt.length > MAX_MESSAGE_TEXT_LENGTH) {
      throw validationError(`/${command.name} expands to more than ${MAX_MESSAGE_TEXT_LENGTH} characters`);
    }
    return prompt;
  }

  private async find(name: string): Promise<CommandDefinition | undefined> {
    return this.builtins.get(name) ?? (await this.custom()).find((command) => command.name === name);
  }

  private async all(): Promise<CommandDefinition[]> {
    return [...this.builtins.values(), ...(await this.custom())];
  }

  private async listing(): Promise<string> {
    return (await this.all()).map((command) => `- ${usageOf(command)}: ${command.description}`).join("\n");
  }

  private async custom(): Promise<CommandDefinition[]> {
    await this.refresh();
    return [...this.scan.values()].flatMap((entry) => (entry.command ? [entry.command] : [])).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Rescans when the last scan is a second old; concurrent callers share one scan. */
  private async refresh(): Promise<void> {
    if (this.scanning) return this.scanning;
    if (this.now() - this.scannedAt < COMMANDS_RESCAN_INTERVAL_MS) return;
    this.scannedAt = this.now();
    this.scanning = scanCommandFolder(this.dir, this.scan, this.logger, new Set(this.builtins.keys()))
      .then((scan) => {
        this.scan = scan;
      })
      .finally(() => {
        this.scanning = null;
      });
    return this.scanning;
  }
}

function usageOf(command: CommandDefinition): string {
  return command.argumentHint ? `/${command.name} ${command.argumentHint}` : `/${command.name}`;
}
