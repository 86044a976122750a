/**
 * Reasoning sent back with the conversation: Anthropic needs the thinking blocks of a turn
 * (signature and all, redacted ones with their data) when the turn goes on after tool results;
 * other providers never get them.
 */
import {
  anthropicRedactedThinkingBlock,
  anthropicStream,
  anthropicTextReply,
  anthropicThinkingBlock,
  anthropicToolCallReply,
  anthropicToolUseBlock,
  FakeHttpServer,
  geminiChunk,
  geminiStream,
  geminiTextReply,
  messageStart,
  openAiTextReply,
} from "@mix/testing";
import { assistantMessageOf, runModelStep, type Emit } from "../../agent/model-step";
import type { ModelMessage, ModelProvider, ModelRequest } from "../model-provider";
import { createProviderModel } from "./create-provider-model";
import { collect } from "../../../test/helpers/collect-stream";

const MODEL = "claude-sonnet-4-5";
const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather of a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
};

const request = (messages: ModelMessage[], model = MODEL): ModelRequest => ({
  model,
  system: "You are terse.",
  thinkingBudget: 4_000,
  maxOutputTokens: 20_000,
  messages,
  tools: [WEATHER_TOOL],
});

const emitted: { event: string; data: unknown }[] = [];
const emit: Emit = async (event, data) => emitted.push({ event, data });

/** One step of the loop as the agent loop takes it: the model call, then its tool's result. */
async function stepWithToolResult(provider: ModelProvider, history: ModelMessage[], result: string) {
  const step = await runModelStep(provider, request(history), "msg-1", new AbortController().signal, emit);
  history.push(assistantMessageOf(step));
  history.push({ role: "tool", results: step.toolCalls.map((call) => ({ toolCallId: call.id, toolName: call.name, result, isError: false })) });
  return step;
}

describe("reasoning sent back to the model", () => {
  let server: FakeHttpServer;
  beforeEach(async () => {
    server = await FakeHttpServer.start();
    emitted.length = 0;
  });
  afterEach(() => server.close());

  const anthropic = () => createProviderModel({ provider: "anthropic", apiKey: "sk-ant-test", baseURL: `${server.url}/v1`, model: MODEL });

  it("sends Anthropic's signed thinking block back before the tool_use it led to", async () => {
    server
      .reply(
        anthropicToolCallReply([{ id: "toolu_1", name: "get_weather", input: { city: "Rome" } }], {
          reasoning: "Rome first, then answer.",
          signature: "sig-step-1",
          pieceChars: 8,
        }),
      )
      .reply(anthropicTextReply("18C in Rome."));
    const history: ModelMessage[] = [{ role: "user", content: "Weather in Rome?" }];

    const step = await stepWithToolResult(anthropic(), history, "18C, sunny");
    expect(step.reasoning).toBe("Rome first, then answer.");
    expect(step.reasoningBlocks).toEqual([
      { text: "Rome first, then answer.", durationMs: expect.any(Number), providerMetadata: { anthropic: { signature: "sig-step-1" } } },
    ]);
    expect(step.reasoningDurationMs).toBe(step.reasoningBlocks[0]!.durationMs);
    expect(emitted.filter((e) => e.event === "thinking").length).toBeGreaterThan(1);
    const answer = await runModelStep(anthropic(), request(history), "msg-2", new AbortController().signal, emit);
    expect(answer.text).toBe("18C in Rome.");

    const second = server.requests[1]!.body;
    expect(second.thinking).toEqual({ type: "enabled", budget_tokens: 4_000 });
    expect(second.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Rome first, then answer.", signature: "sig-step-1" },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      { role: "user", content: [expect.objectContaining({ type: "tool_result", tool_use_id: "toolu_1", content: "18C, sunny" })] },
    ]);
  });

  it("keeps a redacted thinking block, which has no text, and the order of several blocks", async () => {
    server.reply(
      anthropicStream([
        messageStart(MODEL, 40),
        ...anthropicThinkingBlock(0, "Plain thought.", undefined, "sig-a"),
        ...anthropicRedactedThinkingBlock(1, "ENCRYPTED=="),
        ...anthropicToolUseBlock(2, { id: "toolu_r", name: "get_weather", input: { city: "Oslo" } }),
        { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 9 } },
        { type: "message_stop" },
      ]),
    );
    server.reply(anthropicTextReply("Cold."));
    const history: ModelMessage[] = [{ role: "user", content: "Weather in Oslo?" }];

    const step = await stepWithToolResult(anthropic(), history, "-3C");
    // The redacted block adds no visible reasoning.
    expect(step.reasoning).toBe("Plain thought.");
    expect(step.reasoningBlocks.map(({ text, providerMetadata }) => ({ text, providerMetadata }))).toEqual([
      { text: "Plain thought.", providerMetadata: { anthropic: { signature: "sig-a" } } },
      { text: "", providerMetadata: { anthropic: { redactedData: "ENCRYPTED==" } } },
    ]);
    await collect(anthropic(), request(history));

    expect(server.requests[1]!.body.messages[1].content).toEqual([
      { type: "thinking", thinking: "Plain thought.", signature: "sig-a" },
      { type: "redacted_thinking", data: "ENCRYPTED==" },
      { type: "tool_use", id: "toolu_r", name: "get_weather", input: { city: "Oslo" } },
    ]);
  });

  it("sends no thinking block for reasoning without Anthropic's metadata (another provider's, or cut off)", async () => {
    server.reply(anthropicTextReply("ok"));
    const history: ModelMessage[] = [
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: "Checking.",
        toolCalls: [{ id: "call_1", name: "get_weather", input: '{"city":"Paris"}' }],
        reasoning: [{ text: "unsigned thought" }, { text: "a Gemini thought", providerMetadata: { google: { thoughtSignature: "g-sig" } } }],
      },
      { role: "tool", results: [{ toolCallId: "call_1", toolName: "get_weather", result: "18C", isError: false }] },
    ];
    await collect(anthropic(), request(history));
    expect(server.requests[0]!.body.messages[1].content).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
    ]);
  });

  describe("to other providers", () => {
    const signedHistory = (): ModelMessage[] => [
      { role: "user", content: "Weather in Rome?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_1", name: "get_weather", input: '{"city":"Rome"}' }],
        reasoning: [
          { text: "Claude's thought.", providerMetadata: { anthropic: { signature: "sig-claude" } } },
          { text: "", providerMetadata: { anthropic: { redactedData: "ENCRYPTED==" } } },
        ],
      },
      { role: "tool", results: [{ toolCallId: "call_1", toolName: "get_weather", result: "18C", isError: false }] },
    ];

    it("Gemini gets no thought parts from Anthropic's thinking", async () => {
      server.reply(geminiTextReply("18C."));
      const gemini = createProviderModel({ provider: "gemini", apiKey: "gm-test", baseURL: `${server.url}/v1beta`, model: "gemini-2.5-pro" });
      await collect(gemini, request(signedHistory(), "gemini-2.5-pro"));
      const body = server.requests[0]!.body;
      expect(body.contents[1]).toEqual({ role: "model", parts: [{ functionCall: expect.objectContaining({ name: "get_weather", args: { city: "Rome" } }) }] });
      expect(JSON.stringify(body)).not.toContain("sig-claude");
    });

    it("an OpenAI-compatible server gets no reasoning_content", async () => {
      server.reply(openAiTextReply("18C."));
      const compatible = createProviderModel({ provider: "openai-compatible", apiKey: "", baseURL: `${server.url}/v1`, model: "local" });
      await collect(compatible, request(signedHistory(), "local"));
      const body = server.requests[0]!.body;
      const assistant = body.messages.find((message: { role: string }) => message.role === "assistant");
      expect(assistant).not.toHaveProperty("reasoning_content");
      expect(assistant.tool_calls).toHaveLength(1);
      expect(JSON.stringify(body)).not.toContain("Claude's thought.");
    });
  });

  it("sends Gemini's thought signature back with the function call it signed", async () => {
    const gemini = createProviderModel({ provider: "gemini", apiKey: "gm-test", baseURL: `${server.url}/v1beta`, model: "gemini-3-pro-preview" });
    server
      .reply(
        geminiStream([
          geminiChunk([{ functionCall: { name: "get_weather", args: { city: "Rome" } }, thoughtSignature: "sig-gemini-1" }], {
            finishReason: "STOP",
            usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
          }),
        ]),
      )
      .reply(geminiTextReply("18C in Rome."));
    const history: ModelMessage[] = [{ role: "user", content: "Weather in Rome?" }];
    const step = await stepWithToolResult(gemini, history, "18C, sunny");
    expect(step.toolCalls[0]!.providerMetadata).toEqual({ google: { thoughtSignature: "sig-gemini-1" } });

    await runModelStep(gemini, request(history, "gemini-3-pro-preview"), "msg-2", new AbortController().signal, emit);
    const second = server.requests[1]!.body;
    expect(second.contents[1]).toEqual({
      role: "model",
      parts: [{ functionCall: expect.objectContaining({ name: "get_weather", args: { city: "Rome" } }), thoughtSignature: "sig-gemini-1" }],
    });
  });
});
