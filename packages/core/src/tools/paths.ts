/** Model-supplied paths, confined to the session folder by the shared safe-path check. */
import { realpath } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors/app-error";
import { resolveAgentPath } from "../storage/safe-path";
import { ToolError, type ToolContext } from "./tool";

/** The checked absolute path; a ToolError naming the path when it would leave the session folder. */
export async function agentPath(context: ToolContext, given: string): Promise<string> {
  try {
    return await resolveAgentPath(context.sessionDir, asSessionRelative(context, given));
  } catch (error) {
    if (error instanceof AppError && error.status === 400) {
      throw new ToolError(`Refused path '${given}': ${error.message}. Paths must stay inside the session folder.`);
    }
    throw error;
  }
}

/**
 * A path as the sandbox shows the session folder (`/workspace/src/a.ts`, what `pwd` prints in Bash)
 * as the same path relative to the folder, so the file tools accept what the model saw.
 */
function asSessionRelative(context: ToolContext, given: string): string {
  const inside = context.sandbox.workdirInside;
  const trimmed = given.trim();
  if (!inside) return given;
  if (trimmed === inside) return ".";
  return trimmed.startsWith(`${inside}/`) ? trimmed.slice(inside.length + 1) : given;
}

/** The session folder with links resolved, as agentPath's results are. */
export function sessionRoot(context: ToolContext): Promise<string> {
  return realpath(context.sessionDir);
}

/** How a path is shown to the model: relative to the session folder, `/`-separated. */
export function shownPath(root: string, absolute: string): string {
  const relative = path.relative(root, absolute).split(path.sep).join("/");
  return relative === "" ? "." : relative;
}

/** Caps text for the model, saying how much was cut. */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[output truncated: ${text.length - maxChars} more characters]`;
}
