/** `/api/preferences`: a workspace's model settings, and the providers and models it may choose. */
import { z } from "zod";
import { safeString } from "./text";

export const REASONING_EFFORTS = ["low", "medium", "high"] as const;
export const ReasoningEffort = z.enum(REASONING_EFFORTS, { error: `must be one of: ${REASONING_EFFORTS.join(", ")}` });
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;

/** Largest max-tokens setting accepted; far above any model's output limit, it only stops nonsense. */
export const MAX_TOKENS_LIMIT = 1_000_000;
const maxTokens = z
  .number({ error: "must be a positive integer" })
  .int("must be a positive integer")
  .positive("must be a positive integer")
  .max(MAX_TOKENS_LIMIT, `must be at most ${MAX_TOKENS_LIMIT}`);
const modelId = safeString({ error: "must be a string" }).trim().min(1, "must not be empty");

/** A partial update; unknown fields are refused so a misspelt setting is not silently ignored. */
export const UpdatePreferencesRequest = z.strictObject({
  preferred_provider: safeString({ error: "must be a string" }).optional().describe("Preferred AI provider (see available_providers)"),
  main_agent_model: modelId.optional().describe("Main agent model ID"),
  sub_agent_model: modelId.optional().describe("Sub agent model ID"),
  main_agent_max_tokens: maxTokens.optional().describe("Maximum tokens for main agent responses"),
  sub_agent_max_tokens: maxTokens.optional().describe("Maximum tokens for sub agent responses"),
  main_agent_reasoning_effort: ReasoningEffort.optional().describe("Reasoning effort for the main agent"),
  sub_agent_reasoning_effort: ReasoningEffort.optional().describe("Reasoning effort for sub agents"),
});
export type UpdatePreferencesRequest = z.infer<typeof UpdatePreferencesRequest>;

export const PreferencesData = z.object({
  preferred_provider: z.string(),
  main_agent_model: z.string(),
  sub_agent_model: z.string(),
  main_agent_max_tokens: z.number().int(),
  sub_agent_max_tokens: z.number().int(),
  main_agent_reasoning_effort: ReasoningEffort,
  sub_agent_reasoning_effort: ReasoningEffort,
  created_at: z.number().int().describe("Unix timestamp (seconds) when preferences were created"),
  updated_at: z.number().int().describe("Unix timestamp (seconds) of the last update"),
});
export type PreferencesData = z.infer<typeof PreferencesData>;

export const AvailableProviders = z
  .record(z.string(), z.object({ display_name: z.string(), models: z.array(z.string()) }))
  .describe("Map of available AI providers and their models");
export type AvailableProviders = z.infer<typeof AvailableProviders>;

export const GetPreferencesResponse = z.object({
  preferences: PreferencesData.nullable().describe("The workspace's preferences (null until first set)"),
  available_providers: AvailableProviders,
});
export type GetPreferencesResponse = z.infer<typeof GetPreferencesResponse>;
