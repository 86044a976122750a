/**
 * The offline scripted model, configured from SCRIPTED_*. Every other provider is built per run
 * by the ModelSelector (models/selection/), with the workspace's credentials.
 */
import type { Config } from "../../config/config";
import { ScriptedProvider } from "./scripted-provider";

export function createScriptedProvider(config: Config): ScriptedProvider {
  return new ScriptedProvider({
    contentDeltas: config.SCRIPTED_CONTENT_DELTAS,
    reasoningDeltas: config.SCRIPTED_REASONING_DELTAS,
    delayMs: config.SCRIPTED_DELAY_MS,
    deltaMinChars: config.SCRIPTED_DELTA_MIN_CHARS,
  });
}
