import { FakeHttpServer, geminiChunk, geminiStream, waitFor } from "@mix/testing";
import { createProviderModel } from "../../src/agent/providers/create-provider-model";
import { collect, toolRoundTripRequest } from "./collect";

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
