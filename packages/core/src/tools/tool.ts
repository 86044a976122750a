/**
 * The shape of a built-in agent tool, and the wrapper that turns failures the model caused
 * (bad input, a missing file, a refused path) into error results instead of exceptions.
 */
import { mkdir } from "node:fs/promises";
import { z } from "zod";
import type { BrowserAccess } from "../browser/browser-access";
import type { NotificationResponseType, NotificationType } from "../contracts";
import { AppError } from "../errors/app-error";
import { describeZodError } from "../errors/zod-message";
import { SandboxStartError, type Sandbox, type SandboxNetwork } from "../sandbox/sandbox";
import type { MediaTarget } from "../media/media-limits";
import type { ToolResultMedia } from "../models/model-provider";
import type { RunKnowledge } from "../knowledge/bound-knowledge";
import type { RunSearch } from "../search/search-service";

export interface ToolResult {
  output: string;
  isError: boolean;
  /** Files shown to the model with the output (ReadMedia); the transcript keeps only their paths. */
  media?: ToolResultMedia[];
}

/** Deployment settings tools obey (from Config; see toolLimits). */
export interface ToolLimits {
  /** web_fetch may reach loopback, private, link-local and unique-local addresses. */
  allowPrivateNetworks: boolean;
}

/** What the notify_user tool shows the user (see notifications/notification-gate.ts). */
export interface UserNotification {
  notificationType: NotificationType;
  title: string;
  message: string;
  responseType: NotificationResponseType;
  choices?: string[];
  timeoutSeconds: number;
  /** Taken as the answer when none comes in time. */
  defaultValue?: string;
}

/** A question's outcome: the user's answer, or none within the timeout. */
export type NotificationAnswer = { answered: true; type: NotificationResponseType; value?: string } | { answered: false };

/** How a tool reaches the user of the run it serves; bound to the run and the call by the loop. */
export interface UserNotifier {
  /** Shows a notice (resolves once shown, with null) or asks a question (resolves with its outcome). */
  notify(notification: UserNotification, signal: AbortSignal): Promise<NotificationAnswer | null>;
  /** The longest a question may wait, in seconds (NOTIFICATION_MAX_TIMEOUT_MS), and the default wait. */
  readonly maxTimeoutSeconds: number;
  readonly defaultTimeoutSeconds: number;
}

export interface ToolContext {
  /** Absolute path of the session's folder; the tool creates it when missing. */
  sessionDir: string;
  /** Aborts the call when the run is cancelled; tools stop and the call throws its reason. */
  signal: AbortSignal;
  limits: ToolLimits;
  /** Where commands of this session run (Bash, python_execution). */
  sandbox: Sandbox;
  /** The network the workspace allows its sandboxed commands. */
  network: SandboxNetwork;
  /** The model's id for this call (the Task tool tags its subagent's events with it). */
  toolCallId?: string;
  /** Absent where nobody can be asked (a run without a user's stream, tests of other parts). */
  notifier?: UserNotifier;
  /** The session's browser (browser/); absent where none is wired (a run without a worker's browsers, tests of other parts). */
  browser?: BrowserAccess;
  /** The session whose folder sessionDir is (a subagent's top-level session): Show links its files API. */
  sessionId?: string;
  /** The model the call's result goes to (ReadMedia sends what it takes); absent, ReadMedia refuses. */
  model?: MediaTarget;
  /** The deployment's web search for this run (search/); absent, Search says none is configured. */
  search?: RunSearch;
  /** The workspace's knowledge sources (knowledge/); absent, knowledge_search says none are wired. */
  knowledge?: RunKnowledge;
}

/** "mcp": a tool of a configured MCP server (mcp-servers/), named `<server>_<tool>`. */
export type ToolCategory = "shell" | "files" | "search" | "web" | "planning" | "interaction" | "mcp";

export interface Tool<Schema extends z.ZodType = z.ZodType> {
  /** The contract's CoreToolName spelling where there is one. */
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Schema;
  /** Changes nothing outside its own bookkeeping; the only tools offered in plan mode. */
  readonly readOnly: boolean;
  /** The user should approve each call before it runs. */
  readonly requiresPermission: boolean;
  readonly category: ToolCategory;
  /** Validates `input` against inputSchema first; never throws for a failure the model caused. */
  run(input: unknown, context: ToolContext): Promise<ToolResult>;
}

/** A failure the model caused and can correct; reported to it as an error result. */
export class ToolError extends Error {
  override name = "ToolError";
}

export const ok = (output: string): ToolResult => ({ output, isError: false });
export const failed = (output: string): ToolResult => ({ output, isError: true });

type ToolSpec<Schema extends z.ZodType> = Omit<Tool<Schema>, "run"> & {
  execute(input: z.output<Schema>, context: ToolContext): Promise<ToolResult | string>;
};

export function defineTool<Schema extends z.ZodType>(spec: ToolSpec<Schema>): Tool<Schema> {
  const { execute, ...meta } = spec;
  return {
    ...meta,
    async run(input, context) {
      context.signal.throwIfAborted();
      const parsed = spec.inputSchema.safeParse(input);
      if (!parsed.success) return failed(`Invalid input for ${spec.name}: ${describeZodError(parsed.error)}`);
      await mkdir(context.sessionDir, { recursive: true });
      let result: ToolResult;
      try {
        const value = await execute(parsed.data, context);
        result = typeof value === "string" ? ok(value) : value;
      } catch (error) {
        context.signal.throwIfAborted();
        const message = modelFault(error);
        if (message === null) throw error;
        result = failed(message);
      }
      context.signal.throwIfAborted();
      return result;
    },
  };
}

// File-system codes a model's request can cause; anything else is the server's fault and throws.
const MODEL_ERRNO: Record<string, string> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "A part of the path is not a directory",
  EISDIR: "Is a directory",
  EEXIST: "Already exists",
  ENOTEMPTY: "Directory not empty",
  EACCES: "Permission denied",
  ELOOP: "Too many levels of symbolic links",
};

function modelFault(error: unknown): string | null {
  if (error instanceof ToolError) return error.message;
  // The call could not run, which the model should hear (and may work around), not a crash of the run.
  if (error instanceof SandboxStartError) return error.message;
  if (error instanceof AppError && error.status < 500) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && MODEL_ERRNO[code]) return MODEL_ERRNO[code];
  return null;
}

// Converting a schema costs more than a short run's database work, and every model call sends them.
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The tool's input as JSON Schema, for a provider's ToolDefinition (computed once per schema).
 * The same frozen object every time: what is derived from it once (its size in tokens) is kept
 * with it, and no caller can change what the next run is sent.
 */
export function inputJsonSchema(tool: Tool): Readonly<Record<string, unknown>> {
  let schema = jsonSchemas.get(tool.inputSchema);
  if (!schema) {
    const { $schema: _ignored, ...converted } = z.toJSONSchema(tool.inputSchema, { io: "input" }) as Record<string, unknown>;
    schema = Object.freeze(converted);
    jsonSchemas.set(tool.inputSchema, schema);
  }
  return schema;
}
