/**
 * How results read to the model: the text of a tool call that never finished, and a callback's
 * result as it is appended to the tool result it followed. The loop writes these as it runs;
 * the run history (runs/run-history.ts) rebuilds the same text from what was stored.
 */
import type { PartData } from "../messages/parts";

/** What the model is told about a call that never finished (worker died, run cancelled). */
export const INTERRUPTED_RESULT = "Interrupted: the tool call did not finish (the run was cancelled or its worker stopped), and it was not run again.";

export type CallbackResultPart = Extract<PartData, { type: "callback_result" }>;

/** How a callback's result reads to the model, or null when the callback kept it out. */
export function callbackContextText(data: CallbackResultPart): string | null {
  const result = data.result;
  if (result.exclude_from_context === true) return null;
  const label = [result.callback_type, result.callback_name].filter((value) => typeof value === "string" && value).join(" ");
  const body = [result.stdout, result.subagent_result, result.error].filter((value) => typeof value === "string" && value).join("\n");
  return `[callback${label ? ` ${label}` : ""}${result.success === false ? " failed" : ""}] ${body}`.trimEnd();
}
