/** What the agent loop's context handling (agent/loop-context.ts) is configured with. */
import type { Config } from "../config/config";
import { ModelLimitTable } from "../models/catalog/model-limits";
import type { ModelChoice } from "../models/selection/model-selector";

export interface ContextServices {
  /** The input a model may take (models/catalog/model-limits.ts). */
  inputRoom(modelId: string, requestMaxOutput?: number): number;
  /** COMPACTION_THRESHOLD: 0 never compacts by itself. */
  threshold: number;
  keepRecentTokens: number;
  promptCaching: boolean;
  toolOutputMaxBytes: number;
  /** The sub-agent model, which writes the summaries. */
  summarizer(): Promise<ModelChoice>;
}

/** Everything but the summariser, which each run picks (its session's sub-agent model). */
export function contextSettings(config: Config): Omit<ContextServices, "summarizer"> {
  const limits = new ModelLimitTable(config);
  return {
    inputRoom: (modelId, requestMaxOutput) => limits.inputRoom(modelId, requestMaxOutput),
    threshold: config.COMPACTION_THRESHOLD,
    keepRecentTokens: config.COMPACTION_KEEP_RECENT_TOKENS,
    promptCaching: config.PROMPT_CACHING,
    toolOutputMaxBytes: config.TOOL_OUTPUT_MAX_BYTES,
  };
}
