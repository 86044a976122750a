export { FakeHttpServer, type FakeReply, type RecordedRequest } from "./fake-http-server";
export { chatChunk, openAiChatStream, openAiError, openAiTextReply, openAiToolCallReply, openAiToolCallChunks, openAiTextThenError } from "./openai-chat";
export {
  anthropicStream,
  anthropicError,
  messageStart,
  anthropicTextReply,
  anthropicToolCallReply,
  anthropicThinkingBlock,
  anthropicRedactedThinkingBlock,
  anthropicTextBlock,
  anthropicToolUseBlock,
  type AnthropicEvent,
  type AnthropicReplyOptions,
} from "./anthropic-messages";
export { geminiStream, geminiChunk, geminiTextReply, geminiToolCallReply } from "./gemini";
export { DEFAULT_FAKE_USAGE, type FakeToolCall, type FakeUsage, type FakeReplyOptions, type FakeToolCallReplyOptions } from "./scripted-reply";
export { anthropicReceivedMedia, geminiReceivedMedia, imageSize, openAiReceivedMedia, type ReceivedMedia } from "./received-media";
export { AnthropicSimulator, type AnthropicSimulatorOptions, type SimulatedAnswer, type SimulatedRequest, type SimulatedUsage } from "./anthropic-simulator";
