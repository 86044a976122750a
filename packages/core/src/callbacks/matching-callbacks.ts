/** Which of a session's callbacks a finished tool call triggers. */
import type { Callback } from "../contracts/callbacks";

/** Callbacks in their configured order, so they run (and are stored) in that order. */
export function matchingCallbacks(callbacks: readonly Callback[], toolName: string): Callback[] {
  return callbacks.filter((callback) => callbackMatches(callback.toolName, toolName));
}

/**
 * `*` matches every tool. Otherwise the name is compared without regard to case or surrounding
 * spaces, because the contract's own examples name tools in lower case ("bash") while the tools
 * are listed as "Bash".
 */
function callbackMatches(pattern: string, toolName: string): boolean {
  const wanted = pattern.trim();
  return wanted === "*" || wanted.toLowerCase() === toolName.toLowerCase();
}
