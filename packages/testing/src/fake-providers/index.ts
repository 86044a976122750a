export { FakeHttpServer, type FakeReply, type RecordedRequest } from "./fake-http-server";
export { chatChunk, openAiChatStream, openAiError, openAiTextReply, openAiToolCallReply, openAiToolCallChunks } from "./openai-chat";
export {
  anthropicStream,
  anthropicError,
  messageStart,
  anthropicTextReply,
  anthropicToolCallReply,
  anthropicThinkingBlock,
  anthropicTextBlock,
  anthropicToolUseBlock,
  type AnthropicEvent,
} from "./anthropic-messages";
export { geminiStream, geminiChunk, geminiTextReply, geminiToolCallReply } from "./gemini";
export { DEFAULT_FAKE_USAGE, type FakeToolCall, type FakeUsage, type FakeReplyOptions, type FakeToolCallReplyOptions } from "./scripted-reply";
