/**
 * What a request will take, estimated where the provider has not counted it: about four
 * characters of text per token (the usual rule for English and code across these tokenizers),
 * and a fixed cost per image or document, whose base64 says nothing of its token count.
 */
import type { ModelMessage, ModelRequest, ToolDefinition } from "../models/model-provider";

export const CHARS_PER_TOKEN = 4;
/** A file shown to the model (an image of up to about 1.2 megapixels costs Anthropic ~1,600 tokens). */
export const MEDIA_TOKENS = 1_600;
/** Role and framing tokens the providers add to every message. */
const MESSAGE_OVERHEAD_TOKENS = 4;

export const estimateTextTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

export function estimateMessageTokens(message: ModelMessage): number {
  switch (message.role) {
    case "user":
      return MESSAGE_OVERHEAD_TOKENS + estimateTextTokens(message.content);
    case "assistant": {
      const calls = (message.toolCalls ?? []).reduce((sum, call) => sum + estimateTextTokens(call.name) + estimateTextTokens(call.input), 0);
      const reasoning = (message.reasoning ?? []).reduce((sum, block) => sum + estimateTextTokens(block.text), 0);
      return MESSAGE_OVERHEAD_TOKENS + estimateTextTokens(message.content) + calls + reasoning;
    }
    case "tool":
      return message.results.reduce((sum, result) => {
        const files = result.media?.length ?? result.mediaRefs?.length ?? 0;
        return sum + MESSAGE_OVERHEAD_TOKENS + estimateTextTokens(result.result) + files * MEDIA_TOKENS;
      }, 0);
  }
}

export const estimateMessagesTokens = (messages: readonly ModelMessage[]): number => messages.reduce((sum, message) => sum + estimateMessageTokens(message), 0);

/** A schema's length as JSON, per schema object: built-in tools offer the same one every run (tools/tool.ts). */
const schemaChars = new WeakMap<object, number>();

function inputSchemaChars(schema: object): number {
  let chars = schemaChars.get(schema);
  if (chars === undefined) {
    chars = JSON.stringify(schema).length;
    // Only a frozen schema is known to stay as measured.
    if (Object.isFrozen(schema)) schemaChars.set(schema, chars);
  }
  return chars;
}

export const estimateToolsTokens = (tools: readonly ToolDefinition[] | undefined): number =>
  (tools ?? []).reduce((sum, tool) => sum + Math.ceil((tool.name.length + tool.description.length + inputSchemaChars(tool.inputSchema)) / CHARS_PER_TOKEN), 0);

/** The whole request: system prompt, tool definitions and conversation. */
export function estimateRequestTokens(request: Pick<ModelRequest, "system" | "tools" | "messages">): number {
  return estimateTextTokens(request.system) + estimateToolsTokens(request.tools) + estimateMessagesTokens(request.messages);
}
