/**
 * A ModelProvider backed by the Vercel AI SDK's `streamText`: our request in, the SDK's stream
 * parts out as ours. The SDK never retries (our loop decides, from RetryableProviderError) and
 * never runs tools (they have no `execute`; the loop runs them).
 */
import type { LanguageModel, LanguageModelUsage, ProviderMetadata as SdkProviderMetadata } from "ai";
import type { ModelProvider, ModelRequest, ModelStreamPart, ProviderMetadata, TokenUsage } from "../model-provider";
import { loadAiSdk, type AiSdk } from "./ai-sdk";
import { toProviderError } from "./provider-errors";
import type { ProviderKind } from "./provider-kind";
import { reasoningOptions } from "./reasoning-options";
import { mergeProviderMetadata } from "./reasoning-replay";
import { messageBreakpoints, systemInstructions, takesBreakpoints, withToolBreakpoint } from "./cache-breakpoints";
import { toSdkMessages, toSdkTools } from "./to-sdk-prompt";

export interface AiSdkProviderOptions {
  kind: ProviderKind;
  defaultModel: string;
  /** Builds the SDK model for a model id (the request's, else the default). */
  languageModel: (sdk: AiSdk, modelId: string) => LanguageModel;
}

export class AiSdkProvider implements ModelProvider {
  readonly name: string;
  readonly defaultModel: string;

  constructor(private readonly options: AiSdkProviderOptions) {
    this.name = options.kind;
    this.defaultModel = options.defaultModel;
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart> {
    const sdk = await loadAiSdk();
    signal.throwIfAborted();
    const cache = takesBreakpoints(this.options.kind, request.promptCaching);
    const tools = toSdkTools(request.tools, sdk.ai);
    const result = sdk.ai.streamText({
      model: this.options.languageModel(sdk, request.model || this.defaultModel),
      instructions: systemInstructions(request.system, cache),
      messages: toSdkMessages(request.messages, this.options.kind, cache ? messageBreakpoints(request.messages) : undefined),
      tools: cache ? withToolBreakpoint(tools) : tools,
      maxOutputTokens: request.maxOutputTokens,
      providerOptions: reasoningOptions(this.options.kind, request.thinkingBudget),
      maxRetries: 0,
      abortSignal: signal,
      // Errors arrive as `error` parts below and are thrown from there; the default logs them to stderr.
      onError: () => undefined,
    });

    // A reasoning block's metadata (Anthropic: redacted data on its start, signature in a delta)
    // is gathered by block id and handed on when the block ends.
    const reasoningMetadata = new Map<string, ProviderMetadata | undefined>();
    const gather = (id: string, metadata: SdkProviderMetadata | undefined) =>
      reasoningMetadata.set(id, mergeProviderMetadata(reasoningMetadata.get(id), asStoredJson(metadata)));

    for await (const part of result.fullStream) {
      switch (part.type) {
        case "reasoning-start":
          gather(part.id, part.providerMetadata);
          break;
        case "reasoning-delta":
          gather(part.id, part.providerMetadata);
          if (part.text) yield { type: "reasoning-delta", text: part.text };
          break;
        case "reasoning-end": {
          gather(part.id, part.providerMetadata);
          const providerMetadata = reasoningMetadata.get(part.id);
          reasoningMetadata.delete(part.id);
          yield { type: "reasoning-end", ...(providerMetadata ? { providerMetadata } : {}) };
          break;
        }
        case "text-delta":
          if (part.text) yield { type: "text-delta", text: part.text };
          break;
        case "tool-input-start":
          yield { type: "tool-call-start", id: part.id, name: part.toolName };
          break;
        case "tool-input-delta":
          if (part.delta) yield { type: "tool-call-delta", id: part.id, inputDelta: part.delta };
          break;
        case "tool-call":
          yield {
            type: "tool-call",
            id: part.toolCallId,
            name: part.toolName,
            // A call whose input did not parse carries the model's raw text.
            input: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}),
            ...(part.providerMetadata ? { providerMetadata: asStoredJson(part.providerMetadata) } : {}),
          };
          break;
        case "finish":
          yield {
            type: "finish",
            finishReason: part.finishReason,
            usage: tokenUsage(part.totalUsage),
          };
          break;
        case "error":
          signal.throwIfAborted();
          throw toProviderError(part.error, sdk.ai);
        case "abort":
          signal.throwIfAborted();
          throw new Error("model stream aborted");
      }
    }
    signal.throwIfAborted();
  }
}

/** The SDK's usage in ours: its input total includes the cached tokens, which it breaks down. */
function tokenUsage(usage: LanguageModelUsage): TokenUsage {
  const { cacheReadTokens, cacheWriteTokens } = usage.inputTokenDetails ?? {};
  return {
    promptTokens: usage.inputTokens ?? 0,
    completionTokens: usage.outputTokens ?? 0,
    ...(cacheReadTokens ? { cacheReadTokens } : {}),
    ...(cacheWriteTokens ? { cacheWriteTokens } : {}),
  };
}

/** The metadata as the JSON it is stored as (the SDK's type allows undefined fields). */
function asStoredJson(metadata: SdkProviderMetadata | undefined): ProviderMetadata | undefined {
  return metadata ? (JSON.parse(JSON.stringify(metadata)) as ProviderMetadata) : undefined;
}
