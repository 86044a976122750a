/** Picks the model provider named by configuration. */
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
  }
}
