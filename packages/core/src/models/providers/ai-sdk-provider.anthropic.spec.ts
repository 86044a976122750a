import { anthropicError, anthropicStream, anthropicTextReply, anthropicToolCallReply, FakeHttpServer, messageStart, waitFor } from "@mix/testing";
import { RetryableProviderError } from "../model-provider";
import { createProviderModel } from "./create-provider-model";
import { collect, joinedText, toolRoundTripRequest } from "../../../test/helpers/collect-stream";

const MODEL = "claude-sonnet-4-5";

describe("Anthropic messages adapter", () => {
  let server: FakeHttpServer;
  beforeEach(async () => {
    server = await FakeHttpServer.start();
  });
  afterEach(() => server.close());

  const provider = () => createProviderModel({ provider: "anthropic", apiKey: "sk-ant-test", baseURL: `${server.url}/v1`, model: MODEL });

  it("streams thinking, text and a tool call, with the thinking budget and tools in the request", async () => {
    server.reply(
      anthropicStream([
        messageStart(MODEL, 120),
        { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Rome is " } },
        { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "in Italy." } },
        { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-abc" } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Checking Rome." } },
        { type: "content_block_stop", index: 1 },
        { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_2", name: "get_weather", input: {} } },
        { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "" } },
        { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"city": ' } },
        { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '"Rome"}' } },
        { type: "content_block_stop", index: 2 },
        { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 64 } },
        { type: "message_stop" },
      ]),
    );

    expect(await collect(provider(), toolRoundTripRequest(MODEL, 4_000))).toEqual([
      { type: "reasoning-delta", text: "Rome is " },
      { type: "reasoning-delta", text: "in Italy." },
      // The block's signature, to send the block back with the tool results.
      { type: "reasoning-end", providerMetadata: { anthropic: { signature: "sig-abc" } } },
      { type: "text-delta", text: "Checking Rome." },
      { type: "tool-call-start", id: "toolu_2", name: "get_weather" },
      { type: "tool-call-delta", id: "toolu_2", inputDelta: '{"city": ' },
      { type: "tool-call-delta", id: "toolu_2", inputDelta: '"Rome"}' },
      { type: "tool-call", id: "toolu_2", name: "get_weather", input: '{"city":"Rome"}' },
      { type: "finish", finishReason: "tool-calls", usage: { promptTokens: 120, completionTokens: 64 } },
    ]);

    const [request] = server.requests;
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["x-api-key"]).toBe("sk-ant-test");
    expect(request?.body).toMatchObject({
      model: MODEL,
      stream: true,
      system: [{ type: "text", text: "You are terse." }],
      thinking: { type: "enabled", budget_tokens: 4_000 },
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_1", content: "18C, cloudy" },
            { type: "text", text: "And Rome?" },
          ],
        },
      ],
      tools: [{ name: "get_weather", description: "Current weather of a city", input_schema: toolRoundTripRequest("", 0).tools![0]!.inputSchema }],
    });
    // The thinking budget must fit inside max_tokens.
    expect(request?.body.max_tokens).toBeGreaterThan(4_000);
  });

  it("parses the reply builders: thinking, text and several tool calls, then a text answer", async () => {
    server
      .reply(
        anthropicToolCallReply(
          [
            { id: "toolu_a", name: "Bash", input: { command: "ls -la && echo a-long-enough-command" } },
            { id: "toolu_b", name: "Write", input: { path: "notes.md", content: "hi" } },
          ],
          { text: "Running.", reasoning: "Two tools will do.", usage: { promptTokens: 30, completionTokens: 12 } },
        ),
      )
      .reply(anthropicTextReply("All done, both worked.", { usage: { promptTokens: 50, completionTokens: 8 } }));

    const calls = await collect(provider(), toolRoundTripRequest(MODEL, 4_000));
    expect(calls.filter((p) => p.type === "tool-call")).toEqual([
      { type: "tool-call", id: "toolu_a", name: "Bash", input: '{"command":"ls -la && echo a-long-enough-command"}' },
      { type: "tool-call", id: "toolu_b", name: "Write", input: '{"path":"notes.md","content":"hi"}' },
    ]);
    expect(calls.filter((p) => p.type === "tool-call-delta" && p.id === "toolu_a").length).toBeGreaterThan(1);
    expect(joinedText(calls, "reasoning-delta")).toBe("Two tools will do.");
    expect(joinedText(calls, "text-delta")).toBe("Running.");
    expect(calls.at(-1)).toEqual({ type: "finish", finishReason: "tool-calls", usage: { promptTokens: 30, completionTokens: 12 } });

    const answer = await collect(provider(), toolRoundTripRequest(MODEL, 0));
    expect(joinedText(answer, "text-delta")).toBe("All done, both worked.");
    expect(answer.at(-1)).toEqual({ type: "finish", finishReason: "stop", usage: { promptTokens: 50, completionTokens: 8 } });
  });

  it("surfaces a 529 overloaded answer as retryable", async () => {
    server.reply(anthropicError(529, "overloaded_error", "Overloaded"));

    const error = await collect(provider(), toolRoundTripRequest(MODEL, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ status: 529, retryAfterMs: undefined });
    expect(server.requests).toHaveLength(1);
  });

  it("surfaces a 429 with its retry-after seconds in milliseconds", async () => {
    server.reply(anthropicError(429, "rate_limit_error", "Number of requests has exceeded your rate limit", { "retry-after": "3" }));

    const error = await collect(provider(), toolRoundTripRequest(MODEL, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 3_000 });
  });

  it("treats overload reported mid-stream as retryable", async () => {
    server.reply(anthropicStream([messageStart(MODEL, 10), { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]));

    const error = await collect(provider(), toolRoundTripRequest(MODEL, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ status: 529 });
  });

  it("passes other errors through unchanged", async () => {
    server.reply(anthropicError(400, "invalid_request_error", "messages: at least one message is required"));

    const error = await collect(provider(), toolRoundTripRequest(MODEL, 0)).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ statusCode: 400, message: "messages: at least one message is required" });
  });

  it("stops the stream when the signal aborts", async () => {
    server.reply(
      anthropicStream(
        [
          messageStart(MODEL, 10),
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
        ],
        { holdOpen: true },
      ),
    );
    const controller = new AbortController();
    const seen: string[] = [];

    const run = (async () => {
      for await (const part of provider().stream(toolRoundTripRequest(MODEL, 0), controller.signal)) {
        seen.push(part.type);
        controller.abort(new Error("cancelled by test"));
      }
    })();

    await expect(run).rejects.toThrow("cancelled by test");
    expect(seen).toEqual(["text-delta"]);
    await waitFor(() => server.clientDisconnects === 1, { timeoutMs: 5_000, what: "the fake server to see the client leave" });
  });
});
