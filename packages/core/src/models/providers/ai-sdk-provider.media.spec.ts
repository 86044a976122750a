/**
 * Tool-result media on the wire of each API, against fake servers that check what they get as
 * the real APIs would (valid base64 of the declared type): inside the tool result for Anthropic
 * and Gemini, in a user message after the tool message for OpenAI chat and compatible servers.
 */
import {
  anthropicReceivedMedia,
  anthropicTextReply,
  FakeHttpServer,
  geminiReceivedMedia,
  geminiTextReply,
  imageSize,
  openAiReceivedMedia,
  openAiTextReply,
} from "@mix/testing";
import type { ModelRequest, ToolResultMedia } from "../model-provider";
import { createProviderModel } from "./create-provider-model";
import { collect } from "../../../test/helpers/collect-stream";
import { MINIMAL_PDF, pngOf, wavOf } from "../../../test/helpers/media-fixtures";

let server: FakeHttpServer | undefined;
afterEach(() => server?.close());

const media = (mediaType: string, bytes: Buffer, path: string): ToolResultMedia => ({ mediaType, data: bytes.toString("base64"), path });

function mediaRequest(model: string, files: ToolResultMedia[]): ModelRequest {
  return {
    model,
    system: "",
    thinkingBudget: 0,
    messages: [
      { role: "user", content: "What does the chart show?" },
      { role: "assistant", content: "", toolCalls: [{ id: "call_m", name: "ReadMedia", input: '{"file_path":"chart.png"}' }] },
      {
        role: "tool",
        results: [{ toolCallId: "call_m", toolName: "ReadMedia", result: "Read image chart.png (64×48, image/png)", isError: false, media: files }],
      },
    ],
  };
}

describe("tool-result media on each API", () => {
  it("Anthropic: image and document blocks inside the tool_result, after its text", async () => {
    server = await FakeHttpServer.start({ check: anthropicReceivedMedia });
    server.reply(anthropicTextReply("A rising line."));
    const png = await pngOf(64, 48);
    const provider = createProviderModel({ provider: "anthropic", apiKey: "k", baseURL: `${server.url}/v1`, model: "claude-haiku-4-5" });
    await collect(provider, mediaRequest("claude-haiku-4-5", [media("image/png", png, "chart.png"), media("application/pdf", MINIMAL_PDF, "r.pdf")]));

    const body = server.requests[0]!.body;
    expect(server.refused).toEqual([]);
    expect(body.messages.at(-1).content[0]).toMatchObject({
      type: "tool_result",
      tool_use_id: "call_m",
      content: [{ type: "text", text: "Read image chart.png (64×48, image/png)" }, { type: "image" }, { type: "document" }],
    });
    const received = anthropicReceivedMedia(body);
    expect(received.map(({ kind, mediaType, in: where, toolCallId }) => ({ kind, mediaType, where, toolCallId }))).toEqual([
      { kind: "image", mediaType: "image/png", where: "tool_result", toolCallId: "call_m" },
      { kind: "document", mediaType: "application/pdf", where: "tool_result", toolCallId: "call_m" },
    ]);
    expect(received[0]!.bytes.equals(png)).toBe(true);
    expect(imageSize(received[0]!.bytes)).toEqual({ width: 64, height: 48 });
  });

  it("Gemini: inlineData with the function response", async () => {
    server = await FakeHttpServer.start({ check: geminiReceivedMedia });
    server.reply(geminiTextReply("Silence."));
    const provider = createProviderModel({ provider: "gemini", apiKey: "k", baseURL: `${server.url}/v1beta`, model: "gemini-2.5-flash" });
    const wav = wavOf(50);
    await collect(provider, mediaRequest("gemini-2.5-flash", [media("image/png", await pngOf(10, 20), "a.png"), media("audio/wav", wav, "a.wav")]));

    const body = server.requests[0]!.body;
    const turn = body.contents.at(-1);
    expect(turn.role).toBe("user");
    expect(JSON.stringify(turn)).toContain("Read image chart.png");
    const received = geminiReceivedMedia(body);
    expect(received.map((item) => [item.kind, item.mediaType, item.in])).toEqual([
      ["image", "image/png", "tool_result"],
      ["audio", "audio/wav", "tool_result"],
    ]);
    expect(imageSize(received[0]!.bytes)).toEqual({ width: 10, height: 20 });
    expect(received[1]!.bytes.equals(wav)).toBe(true);
  });

  it.each([
    { kind: "openai" as const, model: "gpt-4o", path: "/v1" },
    { kind: "openai-compatible" as const, model: "llava", path: "/v1" },
  ])("$kind: a text tool message, then the files in a user message (tool messages hold text only)", async ({ kind, model, path }) => {
    server = await FakeHttpServer.start({ check: openAiReceivedMedia });
    server.reply(openAiTextReply("A chart."));
    const png = await pngOf(32, 16);
    const provider = createProviderModel({ provider: kind, apiKey: "k", baseURL: `${server.url}${path}`, model });
    const files = [media("image/png", png, "charts/chart.png"), ...(kind === "openai" ? [media("application/pdf", MINIMAL_PDF, "r.pdf")] : [])];
    await collect(provider, mediaRequest(model, files));

    const body = server.requests[0]!.body;
    expect(server.refused).toEqual([]);
    expect(body.messages.at(-2)).toEqual({ role: "tool", tool_call_id: "call_m", content: "Read image chart.png (64×48, image/png)" });
    expect(body.messages.at(-1).content[0]).toEqual({ type: "text", text: "The files the ReadMedia call call_m returned:" });
    const received = openAiReceivedMedia(body);
    expect(received.map((item) => [item.kind, item.mediaType, item.in])).toEqual([
      ["image", "image/png", "user"],
      ...(kind === "openai" ? [["document", "application/pdf", "user"]] : []),
    ]);
    expect(received[0]!.bytes.equals(png)).toBe(true);
  });

  it("the fake servers refuse media whose bytes are not of their declared type, as the APIs do", async () => {
    server = await FakeHttpServer.start({ check: anthropicReceivedMedia });
    const provider = createProviderModel({ provider: "anthropic", apiKey: "k", baseURL: `${server.url}/v1`, model: "claude-haiku-4-5" });
    // (The SDK itself corrects a PNG declared as JPEG; bytes of no image type it sends as declared.)
    const parts = collect(provider, mediaRequest("claude-haiku-4-5", [media("image/png", Buffer.from("plain words"), "x.png")]));
    await expect(parts).rejects.toThrow(/declared as image\/png are not image\/png/);
    expect(server.refused).toHaveLength(1);
  });

  it("an error result carries no media", async () => {
    server = await FakeHttpServer.start({ check: anthropicReceivedMedia });
    server.reply(anthropicTextReply("ok"));
    const provider = createProviderModel({ provider: "anthropic", apiKey: "k", baseURL: `${server.url}/v1`, model: "claude-haiku-4-5" });
    const request = mediaRequest("claude-haiku-4-5", [media("image/png", await pngOf(4, 4), "x.png")]);
    const tool = request.messages[2]!;
    if (tool.role === "tool") tool.results[0]!.isError = true;
    await collect(provider, request);
    expect(anthropicReceivedMedia(server.requests[0]!.body)).toEqual([]);
  });
});
