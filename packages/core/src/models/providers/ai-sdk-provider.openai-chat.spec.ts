import { chatChunk, FakeHttpServer, openAiChatStream, openAiError, openAiTextReply, openAiToolCallReply, waitFor } from "@mix/testing";
import { RetryableProviderError } from "../model-provider";
import { createProviderModel } from "./create-provider-model";
import { collect, joinedText, toolRoundTripRequest } from "../../../test/helpers/collect-stream";

const toolCallStream = () =>
  openAiChatStream([
    chatChunk({ role: "assistant", content: "" }),
    chatChunk({ content: "Let me " }),
    chatChunk({ content: "check." }),
    chatChunk({ tool_calls: [{ index: 0, id: "call_2", type: "function", function: { name: "get_weather", arguments: "" } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] }),
    chatChunk({}, { finishReason: "tool_calls" }),
    chatChunk(null, { usage: { prompt_tokens: 57, completion_tokens: 21, total_tokens: 78 } }),
  ]);

const expectedParts = [
  { type: "text-delta", text: "Let me " },
  { type: "text-delta", text: "check." },
  { type: "tool-call-start", id: "call_2", name: "get_weather" },
  { type: "tool-call-delta", id: "call_2", inputDelta: '{"city":' },
  { type: "tool-call-delta", id: "call_2", inputDelta: '"Rome"}' },
  { type: "tool-call", id: "call_2", name: "get_weather", input: '{"city":"Rome"}' },
  { type: "finish", finishReason: "tool-calls", usage: { promptTokens: 57, completionTokens: 21 } },
];

const expectedMessages = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: "Checking.",
    tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
  },
  { role: "tool", tool_call_id: "call_1", content: "18C, cloudy" },
  { role: "user", content: "And Rome?" },
];

describe("OpenAI chat completions adapter", () => {
  let server: FakeHttpServer;
  beforeEach(async () => {
    server = await FakeHttpServer.start();
  });
  afterEach(() => server.close());

  it("streams text and a tool call split across chunks, then usage", async () => {
    const provider = createProviderModel({ provider: "openai", apiKey: "sk-test", baseURL: `${server.url}/v1`, model: "o4-mini" });
    server.reply(toolCallStream());

    expect(await collect(provider, toolRoundTripRequest("o4-mini", 10_000))).toEqual(expectedParts);

    const [request] = server.requests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-test");
    expect(request?.body).toMatchObject({
      model: "o4-mini",
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: "medium",
      messages: expectedMessages.map((m) => (m.role === "system" ? { ...m, role: "developer" } : m)),
      tools: [
        {
          type: "function",
          function: { name: "get_weather", description: "Current weather of a city", parameters: toolRoundTripRequest("", 0).tools![0]!.inputSchema },
        },
      ],
    });
  });

  it("talks to any OpenAI-compatible endpoint by base URL", async () => {
    const provider = createProviderModel({ provider: "openai-compatible", apiKey: "", baseURL: `${server.url}/v1`, model: "qwen3:8b" });
    server.reply(toolCallStream());

    expect(await collect(provider, toolRoundTripRequest("qwen3:8b", 4_000))).toEqual(expectedParts);

    const [request] = server.requests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toMatchObject({
      model: "qwen3:8b",
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: "low",
      messages: expectedMessages,
    });
  });

  it("sends OpenRouter requests the same way, with its key", async () => {
    const provider = createProviderModel({ provider: "openrouter", apiKey: "sk-or-test", baseURL: `${server.url}/api/v1`, model: "openai/gpt-5" });
    server.reply(toolCallStream());

    expect(await collect(provider, toolRoundTripRequest("openai/gpt-5", 0))).toEqual(expectedParts);
    expect(server.requests[0]?.path).toBe("/api/v1/chat/completions");
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-or-test");
    expect(server.requests[0]?.body.reasoning_effort).toBeUndefined();
  });

  it("parses the reply builders: several tool calls in pieces, then a text answer with reasoning", async () => {
    const provider = createProviderModel({ provider: "openai-compatible", apiKey: "", baseURL: `${server.url}/v1`, model: "qwen3:8b" });
    server
      .reply(
        openAiToolCallReply(
          [
            { id: "call_a", name: "Bash", input: { command: "ls -la && echo a-long-enough-command" } },
            { id: "call_b", name: "Write", input: { path: "notes.md", content: "hi" } },
          ],
          { text: "Running.", usage: { promptTokens: 30, completionTokens: 12 } },
        ),
      )
      .reply(openAiTextReply("All done, both worked.", { reasoning: "The tools succeeded.", usage: { promptTokens: 50, completionTokens: 8 } }));

    const calls = await collect(provider, toolRoundTripRequest("qwen3:8b", 0));
    expect(calls.filter((p) => p.type === "tool-call")).toEqual([
      { type: "tool-call", id: "call_a", name: "Bash", input: '{"command":"ls -la && echo a-long-enough-command"}' },
      { type: "tool-call", id: "call_b", name: "Write", input: '{"path":"notes.md","content":"hi"}' },
    ]);
    expect(calls.filter((p) => p.type === "tool-call-delta" && p.id === "call_a").length).toBeGreaterThan(1);
    expect(joinedText(calls, "text-delta")).toBe("Running.");
    expect(calls.at(-1)).toEqual({ type: "finish", finishReason: "tool-calls", usage: { promptTokens: 30, completionTokens: 12 } });

    const answer = await collect(provider, toolRoundTripRequest("qwen3:8b", 0));
    expect(joinedText(answer, "reasoning-delta")).toBe("The tools succeeded.");
    expect(joinedText(answer, "text-delta")).toBe("All done, both worked.");
    expect(answer.at(-1)).toEqual({ type: "finish", finishReason: "stop", usage: { promptTokens: 50, completionTokens: 8 } });
  });

  it("surfaces a 429 as retryable with the advised delay", async () => {
    const provider = createProviderModel({ provider: "openai", apiKey: "sk-test", baseURL: `${server.url}/v1`, model: "gpt-4.1" });
    server.reply(openAiError(429, "Rate limit reached", { "retry-after-ms": "1500" }));

    const error = await collect(provider, toolRoundTripRequest("gpt-4.1", 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 1500 });
    expect(server.requests).toHaveLength(1);
  });

  it("stops the stream when the signal aborts", async () => {
    const provider = createProviderModel({ provider: "openai", apiKey: "sk-test", baseURL: `${server.url}/v1`, model: "gpt-4.1" });
    server.reply(openAiChatStream([chatChunk({ role: "assistant", content: "Hello" })], { holdOpen: true }));
    const controller = new AbortController();
    const seen: string[] = [];

    const run = (async () => {
      for await (const part of provider.stream(toolRoundTripRequest("gpt-4.1", 0), controller.signal)) {
        seen.push(part.type);
        controller.abort(new Error("cancelled by test"));
      }
    })();

    await expect(run).rejects.toThrow("cancelled by test");
    expect(seen).toEqual(["text-delta"]);
    await waitFor(() => server.clientDisconnects === 1, { timeoutMs: 5_000, what: "the fake server to see the client leave" });
  });
});
