/**
 * Prompt caching and context overflow on each wire format: Anthropic's breakpoints where asked
 * and its cache tokens read back; OpenAI's automatic cache reported; each API's "too long"
 * answer turned into a ContextOverflowError the loop compacts on.
 */
import { anthropicError, anthropicStream, anthropicTextBlock, FakeHttpServer, geminiTextReply, messageStart, openAiTextReply } from "@mix/testing";
import { ContextOverflowError } from "../model-provider";
import { collect, toolRoundTripRequest } from "../../../test/helpers/collect-stream";
import { createProviderModel } from "./create-provider-model";

let server: FakeHttpServer;
beforeEach(async () => {
  server = await FakeHttpServer.start();
});
afterEach(() => server.close());

const anthropic = () => createProviderModel({ provider: "anthropic", apiKey: "sk-ant-test", baseURL: `${server.url}/v1`, model: "claude-haiku-4-5" });
const openai = () => createProviderModel({ provider: "openai", apiKey: "sk-test", baseURL: `${server.url}/v1`, model: "gpt-5-mini" });

it("Anthropic: marks the system prompt, the last tool, the end of the earlier turns and the last message; reads the cache usage back", async () => {
  const start = messageStart("claude-haiku-4-5", 30);
  Object.assign((start.message as { usage: object }).usage, { cache_read_input_tokens: 900, cache_creation_input_tokens: 70 });
  server.reply(
    anthropicStream([
      start,
      ...anthropicTextBlock(0, "Sunny."),
      { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 3 } },
      { type: "message_stop" },
    ]),
  );
  const parts = await collect(anthropic(), { ...toolRoundTripRequest("claude-haiku-4-5", 0), promptCaching: true });

  expect(parts.at(-1)).toEqual({
    type: "finish",
    finishReason: "stop",
    usage: { promptTokens: 1_000, completionTokens: 3, cacheReadTokens: 900, cacheWriteTokens: 70 },
  });
  const body = server.requests[0]!.body;
  const ephemeral = { type: "ephemeral" };
  expect(body.system).toEqual([{ type: "text", text: "You are terse.", cache_control: ephemeral }]);
  expect(body.tools.at(-1).cache_control).toEqual(ephemeral);
  // user, assistant (text + call), user (tool result + next question): the earlier turn ends with the tool result.
  const marks = body.messages.flatMap((message: { content: { type: string; cache_control?: unknown }[] }) =>
    message.content.filter((block) => block.cache_control).map((block) => block.type),
  );
  expect(marks).toEqual(["tool_result", "text"]);
  expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(4);
});

it("Anthropic without caching asked: no breakpoints at all", async () => {
  server.reply(
    anthropicStream([
      messageStart("claude-haiku-4-5", 5),
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } },
      { type: "message_stop" },
    ]),
  );
  await collect(anthropic(), toolRoundTripRequest("claude-haiku-4-5", 0));
  expect(JSON.stringify(server.requests[0]!.body)).not.toContain("cache_control");
});

it("OpenAI: no breakpoints (its cache is automatic), its cached tokens reported", async () => {
  server.reply(openAiTextReply("Sunny.", { usage: { promptTokens: 2_000, completionTokens: 4, cachedTokens: 1_536 } }));
  const parts = await collect(openai(), { ...toolRoundTripRequest("gpt-5-mini", 0), promptCaching: true });
  expect(parts.at(-1)).toEqual({ type: "finish", finishReason: "stop", usage: { promptTokens: 2_000, completionTokens: 4, cacheReadTokens: 1_536 } });
  expect(JSON.stringify(server.requests[0]!.body)).not.toContain("cache_control");
});

it("Gemini: its implicit cache's tokens reported", async () => {
  server.reply(geminiTextReply("Sunny.", { usage: { promptTokens: 3_000, completionTokens: 2, cachedTokens: 2_048 } }));
  const gemini = createProviderModel({ provider: "gemini", apiKey: "gm-test", baseURL: `${server.url}/v1beta`, model: "gemini-2.5-flash" });
  const parts = await collect(gemini, { ...toolRoundTripRequest("gemini-2.5-flash", 0), promptCaching: true });
  expect(parts.at(-1)).toMatchObject({ type: "finish", usage: { promptTokens: 3_000, cacheReadTokens: 2_048 } });
  expect(JSON.stringify(server.requests[0]!.body)).not.toContain("cache_control");
});

it.each([
  ["Anthropic's 400 prompt is too long", anthropic, anthropicError(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")],
  [
    "OpenAI's context_length_exceeded",
    openai,
    {
      kind: "json" as const,
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 400000 tokens.",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      },
    },
  ],
])("turns %s into a ContextOverflowError", async (_what, provider, reply) => {
  server.reply(reply);
  await expect(collect(provider(), toolRoundTripRequest("m", 0))).rejects.toBeInstanceOf(ContextOverflowError);
});

it("leaves another 400 as it was", async () => {
  server.reply(anthropicError(400, "invalid_request_error", "messages: field required"));
  const failure = await collect(anthropic(), toolRoundTripRequest("m", 0)).catch((error: unknown) => error);
  expect(failure).not.toBeInstanceOf(ContextOverflowError);
  expect(String(failure)).toContain("field required");
});
