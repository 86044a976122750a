/**
 * The offline scripted model, configured from SCRIPTED_*. Every other provider is built per run
 * by the ModelSelector (model-selection/), with the workspace's credentials.
 */
import type { Config } from "../config/config";
import type { ModelProvider } from "./provider";
import { ScriptedProvider } from "./scripted-provider";

export function createScriptedProvider(config: Config): ScriptedProvider {
  return new ScriptedProvider({
    contentDeltas: config.SCRIPTED_CONTENT_DELTAS,
    reasoningDeltas: config.SCRIPTED_REASONING_DELTAS,
    delayMs: config.SCRIPTED_DELAY_MS,
    deltaMinChars: config.SCRIPTED_DELTA_MIN_CHARS,
  });
}

/** The provider named by configuration, for callers that do not choose per run: only the scripted one can be built without a workspace. */
export function createModelProvider(config: Config): ModelProvider {
  if (config.MODEL_PROVIDER === "scripted") return createScriptedProvider(config);
  throw new Error(`MODEL_PROVIDER=${config.MODEL_PROVIDER} is chosen per run by the model selector`);
}
