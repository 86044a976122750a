/**
 * The custom system prompt rules: size limits per mode, and `$<name>` substitution, which is
 * done when a run starts so values such as the date are current. Only the variables listed
 * here are substituted; server environment variables are never exposed to prompts.
 */
import { PROMPT_LIMIT_BYTES, type PromptMode } from "../contracts";
import { validationError } from "../errors/app-error";

export const BASE_SYSTEM_PROMPT = "You are a capable software and research agent. Work step by step, use the tools you are given, " + "and answer concisely.";

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)}KB`;

/** Throws a validation error when the prompt is too large for its mode. */
export function checkCustomPrompt(prompt: string | undefined, mode: PromptMode): void {
  if (prompt === undefined) return;
  const bytes = Buffer.byteLength(prompt, "utf8");
  // In default mode the prompt is ignored, but still stored: hold it to the largest limit.
  const limitMode = mode === "append" ? "append" : "replace";
  const limit = PROMPT_LIMIT_BYTES[limitMode];
  if (bytes > limit) {
    throw validationError(`Custom prompt size (${kb(bytes)}) exceeds ${limitMode} mode limit of ${kb(limit)}`);
  }
}

export interface PromptVariables {
  [name: string]: string;
}

/** Replaces `$<name>` with its value; unknown names are left as written. */
export function substitutePromptVariables(prompt: string, variables: PromptVariables): string {
  return prompt.replace(/\$<([A-Za-z_][A-Za-z0-9_]*)>/g, (whole, name: string) => variables[name] ?? whole);
}

/** What a run is grounded on (knowledge/run-grounding): the workspace profile's section, "" when it is empty. */
export interface PromptGrounding {
  profile: string;
}

/**
 * The run's system prompt. The workspace profile joins the built-in prompt (default and append
 * modes), never a prompt that replaces it: a client that replaces the prompt decides all of
 * its instructions. (Retrieved knowledge goes with the user message: knowledge/grounded-history.)
 */
export function buildSystemPrompt(
  session: { customSystemPrompt: string | null; promptMode: PromptMode },
  variables: PromptVariables,
  grounding: PromptGrounding = { profile: "" },
): string {
  const custom = session.customSystemPrompt ? substitutePromptVariables(session.customSystemPrompt, variables) : "";
  if (session.promptMode === "replace" && custom) return custom;
  return [BASE_SYSTEM_PROMPT, grounding.profile, session.promptMode === "append" ? custom : ""].filter((part) => part !== "").join("\n\n");
}
