/**
 * What a permission request shows the user: one line saying what the tool is about to do, the
 * kind of action, the file or address it touches, and its input. The input comes from the
 * model, so nothing here trusts its shape.
 */
import type { EventPayload } from "../contracts";

export type PermissionAction = "execute" | "write" | "edit" | "fetch" | "read" | "call";

export interface PermissionDescription {
  description: string;
  action: PermissionAction;
  path?: string;
}

/** Longest piece of model input quoted in the one-line description. */
const QUOTE_MAX_CHARS = 200;
/** Longest string value of the input carried in `params` (a Write's content can be megabytes). */
export const PARAM_STRING_MAX_CHARS = 16_000;

export function describePermission(toolName: string, input: unknown): PermissionDescription {
  const field = (name: string) => stringField(input, name);
  switch (toolName) {
    case "Bash": {
      const command = field("command");
      return { action: "execute", description: command ? `Run \`${quote(command)}\`` : "Run a shell command" };
    }
    case "python_execution": {
      const lines = field("code")?.split("\n").length;
      return { action: "execute", description: lines ? `Run a Python program (${lines} line${lines === 1 ? "" : "s"})` : "Run a Python program" };
    }
    case "Write":
      return fileAction("write", "Write", field("file_path"));
    case "Edit":
      return fileAction("edit", "Edit", field("file_path"));
    case "ReadText":
      return fileAction("read", "Read", field("file_path"));
    case "web_fetch": {
      const url = field("url");
      return url ? { action: "fetch", description: `Fetch ${quote(url)}`, path: url } : { action: "fetch", description: "Fetch a web page" };
    }
    case "list_directory":
      return { action: "read", description: `List ${quote(field("path") ?? ".")}`, path: field("path") };
    case "Glob":
    case "Grep": {
      const pattern = field("pattern");
      const where = field("path");
      return {
        action: "read",
        description: `Search for ${pattern ? `\`${quote(pattern)}\`` : "files"}${where ? ` in ${quote(where)}` : ""}`,
        path: where,
      };
    }
    default:
      return toolName.startsWith("browser_") ? describeBrowserAction(toolName, field) : { action: "call", description: `Call ${toolName}` };
  }
}

/** The browser tools that change a page: what they do to it, in the user's words. */
function describeBrowserAction(toolName: string, field: (name: string) => string | undefined): PermissionDescription {
  const target = field("selector") ?? field("text");
  const on = target ? ` \`${quote(target)}\`` : "";
  switch (toolName) {
    case "browser_navigate": {
      const url = field("url");
      return url
        ? { action: "fetch", description: `Open ${quote(url)} in the browser`, path: url }
        : { action: "fetch", description: "Open a page in the browser" };
    }
    case "browser_click":
      return { action: "call", description: `Click${on} in the browser` };
    case "browser_type": {
      // What is typed may be a password: the description names the field only (params still show the input).
      const selector = field("selector");
      return { action: "call", description: `Type into${selector ? ` \`${quote(selector)}\`` : " a field"} in the browser` };
    }
    case "browser_select":
      return { action: "call", description: `Choose an option of${on} in the browser` };
    case "browser_download": {
      const name = field("file_name");
      return {
        action: "write",
        description: `Download ${field("url") ? quote(field("url")!) : "a link"} into ${name ? quote(name) : "the session folder"}`,
        path: name,
      };
    }
    case "browser_evaluate":
      return { action: "execute", description: "Run a script in the browser's page" };
    default:
      return { action: "call", description: `Call ${toolName}` };
  }
}

/** The tool's input as the event's `params` (an object), with very long strings shortened. */
export function permissionParams(input: unknown): EventPayload<"permission">["params"] {
  if (input === undefined || input === null) return undefined;
  const object = isRecord(input) ? input : { input };
  return shortenStrings(object) as Record<string, unknown>;
}

function fileAction(action: PermissionAction, verb: string, path: string | undefined): PermissionDescription {
  return path ? { action, description: `${verb} ${quote(path)}`, path } : { action, description: `${verb} a file` };
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > QUOTE_MAX_CHARS ? `${line.slice(0, QUOTE_MAX_CHARS)}…` : line;
}

function stringField(input: unknown, name: string): string | undefined {
  const value = isRecord(input) ? input[name] : undefined;
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shortenStrings(value: unknown): unknown {
  if (typeof value === "string") {
    if (value.length <= PARAM_STRING_MAX_CHARS) return value;
    return `${value.slice(0, PARAM_STRING_MAX_CHARS)}… (${value.length - PARAM_STRING_MAX_CHARS} more characters)`;
  }
  if (Array.isArray(value)) return value.map(shortenStrings);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortenStrings(item)]));
  return value;
}
