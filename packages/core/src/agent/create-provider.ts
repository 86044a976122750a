/** Picks the model provider named by configuration (the deployment's default). */
import type { Config } from "../config/config";
import type { ModelProvider } from "./provider";
import { ScriptedProvider } from "./scripted-provider";

export function createModelProvider(config: Config): ModelProvider {
  switch (config.MODEL_PROVIDER) {
    case "scripted":
      return new ScriptedProvider({
        contentDeltas: config.SCRIPTED_CONTENT_DELTAS,
        reasoningDeltas: config.SCRIPTED_REASONING_DELTAS,
        delayMs: config.SCRIPTED_DELAY_MS,
        deltaMinChars: config.SCRIPTED_DELTA_MIN_CHARS,
      });
    default:
      throw new Error(`MODEL_PROVIDER=${config.MODEL_PROVIDER} is chosen per run by the model selector`);
  }
}
