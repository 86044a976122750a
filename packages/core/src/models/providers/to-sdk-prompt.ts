/** Our conversation and tools in the AI SDK's prompt shapes. */
import type { ModelMessage as SdkMessage, ToolSet } from "ai";
import type { ModelMessage, ToolDefinition } from "../model-provider";
import type { AiModule } from "./ai-sdk";
import type { ProviderKind } from "./provider-kind";
import { EPHEMERAL_CACHE } from "./cache-breakpoints";
import { replayedCallMetadata, replayedReasoning } from "./reasoning-replay";
import { toolResultMessages } from "./tool-result-media";

/**
 * The conversation for `kind`: reasoning goes back only where that provider needs it; tool media
 * as it takes them. The messages at `cacheBreakpoints` (indexes of ours) end a cached prefix.
 */
export function toSdkMessages(messages: ModelMessage[], kind: ProviderKind, cacheBreakpoints?: ReadonlySet<number>): SdkMessage[] {
  return messages.flatMap((message, index) => {
    const converted = toSdkMessage(message, kind);
    if (!cacheBreakpoints?.has(index)) return converted;
    const list = Array.isArray(converted) ? converted : [converted];
    // On the message the SDK sends last for this one: the breakpoint covers all of it.
    return list.map((sdkMessage, at) => (at === list.length - 1 ? { ...sdkMessage, providerOptions: EPHEMERAL_CACHE } : sdkMessage));
  });
}

function toSdkMessage(message: ModelMessage, kind: ProviderKind): SdkMessage | SdkMessage[] {
  switch (message.role) {
    case "user":
      return { role: "user", content: message.content };
    case "assistant":
      return {
        role: "assistant",
        content: [
          // Thinking blocks come first, as the model wrote them, before its text and tool calls.
          ...replayedReasoning(kind, message.reasoning).map((block) => ({ type: "reasoning" as const, ...block })),
          ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            type: "tool-call" as const,
            toolCallId: call.id,
            toolName: call.name,
            input: parseToolInput(call.input),
            ...replayedCallMetadata(kind, call.providerMetadata),
          })),
        ],
      };
    case "tool":
      return toolResultMessages(message.results, kind);
  }
}

export function toSdkTools(tools: ToolDefinition[] | undefined, ai: AiModule): ToolSet | undefined {
  if (!tools?.length) return undefined;
  // No `execute`: the SDK hands tool calls back to us, and our loop runs them.
  return Object.fromEntries(tools.map((tool) => [tool.name, ai.tool({ description: tool.description, inputSchema: ai.jsonSchema(tool.inputSchema) })]));
}

/**
 * Providers take a tool call's input as an object. A model that once produced malformed JSON
 * got an error result for that call; an empty input keeps the history acceptable to the API.
 */
function parseToolInput(input: string): unknown {
  try {
    const parsed: unknown = JSON.parse(input);
    return parsed !== null && typeof parsed === "object" ? parsed : {};
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}
