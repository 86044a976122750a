import { FakeHttpServer, geminiChunk, geminiStream, geminiTextReply, geminiToolCallReply, waitFor } from "@mix/testing";
import { RetryableProviderError } from "../model-provider";
import { createProviderModel } from "./create-provider-model";
import { collect, joinedText, toolRoundTripRequest } from "../../../test/helpers/collect-stream";

const MODEL = "gemini-2.5-pro";

describe("Gemini adapter", () => {
  let server: FakeHttpServer;
  beforeEach(async () => {
    server = await FakeHttpServer.start();
  });
  afterEach(() => server.close());

  const provider = () => createProviderModel({ provider: "gemini", apiKey: "gm-test", baseURL: `${server.url}/v1beta`, model: MODEL });

  it("streams a thought, text and a function call, with the thinking config and tools in the request", async () => {
    server.reply(
      geminiStream([
        geminiChunk([{ text: "Rome is in Italy.", thought: true }]),
        geminiChunk([{ text: "Checking " }]),
        geminiChunk([{ text: "Rome." }]),
        geminiChunk([{ functionCall: { name: "get_weather", args: { city: "Rome" } } }], {
          finishReason: "STOP",
          usageMetadata: { promptTokenCount: 80, candidatesTokenCount: 15, thoughtsTokenCount: 9, totalTokenCount: 104 },
        }),
      ]),
    );

    const parts = await collect(provider(), toolRoundTripRequest(MODEL, 10_000));
    // Gemini sends no call ids; the SDK makes one up.
    const callId = parts.find((part) => part.type === "tool-call-start")?.id;
    expect(callId).toEqual(expect.any(String));
    expect(parts).toEqual([
      { type: "reasoning-delta", text: "Rome is in Italy." },
      { type: "reasoning-end" },
      { type: "text-delta", text: "Checking " },
      { type: "text-delta", text: "Rome." },
      { type: "tool-call-start", id: callId, name: "get_weather" },
      { type: "tool-call-delta", id: callId, inputDelta: '{"city":"Rome"}' },
      { type: "tool-call", id: callId, name: "get_weather", input: '{"city":"Rome"}' },
      { type: "finish", finishReason: "tool-calls", usage: { promptTokens: 80, completionTokens: 24 } },
    ]);

    const [request] = server.requests;
    expect(request?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(request?.headers["x-goog-api-key"]).toBe("gm-test");
    expect(request?.body).toMatchObject({
      systemInstruction: { parts: [{ text: "You are terse." }] },
      generationConfig: { maxOutputTokens: 20_000, thinkingConfig: { thinkingBudget: 10_000, includeThoughts: true } },
      contents: [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        { role: "model", parts: [{ text: "Checking." }, { functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { name: "get_weather", content: "18C, cloudy" } } }] },
        { role: "user", parts: [{ text: "And Rome?" }] },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: "get_weather", description: "Current weather of a city", parametersJsonSchema: toolRoundTripRequest("", 0).tools![0]!.inputSchema },
          ],
        },
      ],
    });
  });

  it("parses the reply builders: a thought, text and several function calls, then a text answer", async () => {
    server
      .reply(
        geminiToolCallReply(
          [
            { id: "unused", name: "Bash", input: { command: "ls" } },
            { id: "unused", name: "Write", input: '{"path":"notes.md","content":"hi"}' },
          ],
          { text: "Running.", reasoning: "Two tools will do.", usage: { promptTokens: 30, completionTokens: 12 } },
        ),
      )
      .reply(geminiTextReply("All done, both worked.", { usage: { promptTokens: 50, completionTokens: 8 } }));

    const calls = await collect(provider(), toolRoundTripRequest(MODEL, 4_000));
    const toolCalls = calls.filter((p) => p.type === "tool-call");
    expect(toolCalls).toEqual([
      { type: "tool-call", id: expect.any(String), name: "Bash", input: '{"command":"ls"}' },
      { type: "tool-call", id: expect.any(String), name: "Write", input: '{"path":"notes.md","content":"hi"}' },
    ]);
    expect(toolCalls[0]!.id).not.toBe(toolCalls[1]!.id);
    expect(joinedText(calls, "reasoning-delta")).toBe("Two tools will do.");
    expect(joinedText(calls, "text-delta")).toBe("Running.");
    expect(calls.at(-1)).toEqual({ type: "finish", finishReason: "tool-calls", usage: { promptTokens: 30, completionTokens: 12 } });

    const answer = await collect(provider(), toolRoundTripRequest(MODEL, 0));
    expect(joinedText(answer, "text-delta")).toBe("All done, both worked.");
    expect(answer.at(-1)).toEqual({ type: "finish", finishReason: "stop", usage: { promptTokens: 50, completionTokens: 8 } });
  });

  it.each([
    [429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."],
    [503, "UNAVAILABLE", "The model is overloaded. Please try again later."],
  ])("surfaces a %i %s answer as retryable, with its Retry-After", async (status, reason, message) => {
    // Google's error body, as the Generative Language API sends it.
    server.reply({ kind: "json", status, headers: { "retry-after": "2" }, body: { error: { code: status, message, status: reason } } });
    const error = await collect(provider(), toolRoundTripRequest(MODEL, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ status, retryAfterMs: 2_000 });
    expect(server.requests).toHaveLength(1);
  });

  it("stops the stream when the signal aborts", async () => {
    server.reply(geminiStream([geminiChunk([{ text: "Hello" }])], { holdOpen: true }));
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
