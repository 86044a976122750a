export { FakeHttpServer, type FakeReply, type RecordedRequest } from "./fake-http-server";
export { chatChunk, openAiChatStream, openAiError } from "./openai-chat";
export { anthropicStream, anthropicError, messageStart, type AnthropicEvent } from "./anthropic-messages";
export { geminiStream, geminiChunk } from "./gemini";
