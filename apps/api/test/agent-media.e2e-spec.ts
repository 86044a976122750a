/**
 * ReadMedia and Show through the whole loop. A PNG uploaded into the session's files is read by
 * the model's ReadMedia call and reaches a fake Anthropic server (which checks the base64 and its
 * type as the API does) as an image inside the tool result, scaled to 1568 px; the transcript
 * keeps only text, and later turns send the image again from the folder until it is deleted.
 * On an OpenAI-compatible server the image follows the tool message in a user message. Show's
 * result in GET /messages names the file's URLs, which serve it.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import sharp from "sharp";
import {
  anthropicReceivedMedia,
  anthropicTextReply,
  anthropicToolCallReply,
  FakeHttpServer,
  imageSize,
  openAiReceivedMedia,
  openAiTextReply,
  openAiToolCallReply,
} from "@mix/testing";
import { allowAllTools, converse, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { upload } from "./helpers/file-fixtures";
import { createSession } from "./helpers/session-fixtures";
import { bearer } from "./helpers/test-stack";

const HAIKU = "claude-haiku-4-5";
let stack: AgentStack;
let anthropic: FakeHttpServer;
let chart: Buffer;

beforeAll(async () => {
  anthropic = await FakeHttpServer.start({ check: anthropicReceivedMedia });
  stack = await startAgentStack({
    label: "agent-media",
    env: { ANTHROPIC_BASE_URL: `${anthropic.url}/v1`, CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64") },
  });
  await request(stack.url).post("/api/auth/api-key").set(bearer(stack.key)).send({ provider: "anthropic", api_key: "sk-ant-api03-media-test" }).expect(200);
  await allowAllTools(stack.url, stack.key);
  chart = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#2255aa" } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await stack?.close();
  await anthropic?.close();
});

const messagesOf = async (sessionId: string) => (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
const lastToolCall = async (sessionId: string) => (await messagesOf(sessionId)).flatMap((message: { toolCalls?: unknown[] }) => message.toolCalls ?? []).at(-1);

describe("ReadMedia", () => {
  it("sends an uploaded image to Anthropic inside the tool result, scaled down, and replays it from the folder on later turns", async () => {
    const sessionId = await createSession(stack.url, stack.key, { provider: "anthropic", modelId: HAIKU });
    await upload(stack.url, stack.key, sessionId, "chart.png", chart).expect(201);
    anthropic
      .reply(anthropicToolCallReply([{ id: "toolu_media", name: "ReadMedia", input: { file_path: "chart.png" } }], { model: HAIKU }))
      .reply(anthropicTextReply("A blue square.", { model: HAIKU }));
    const before = anthropic.requests.length;
    const turn = await converse(stack, "What is in chart.png?", { sessionId });
    expect(turn.events.at(-1)!.data).toMatchObject({ type: "complete", content: "A blue square." });
    expect(anthropic.refused).toEqual([]);

    const summary = "Read image chart.png (1568×1045, image/png; scaled down from 3000×2000)";
    const sent = anthropic.requests[before + 1]!.body;
    expect(sent.messages.at(-1).content[0]).toMatchObject({
      type: "tool_result",
      tool_use_id: "toolu_media",
      content: [{ type: "text", text: summary }, { type: "image" }],
    });
    const [image] = anthropicReceivedMedia(sent);
    expect(image).toMatchObject({ kind: "image", mediaType: "image/png", in: "tool_result", toolCallId: "toolu_media" });
    expect(imageSize(image!.bytes)).toEqual({ width: 1568, height: 1045 });

    // The transcript holds the text result only, in the contract's shape.
    const call = await lastToolCall(sessionId);
    expect(call).toEqual({
      id: "toolu_media",
      name: "ReadMedia",
      input: '{"file_path":"chart.png"}',
      type: "tool_use",
      finished: true,
      result: summary,
      isError: false,
    });
    expect(JSON.stringify(await messagesOf(sessionId))).not.toContain(image!.bytes.toString("base64").slice(0, 40));

    // The next turn rebuilds the history from storage: the image is read from the folder again.
    anthropic.reply(anthropicTextReply("Still blue.", { model: HAIKU }));
    await converse(stack, "And again?", { sessionId });
    const replayed = anthropicReceivedMedia(anthropic.requests.at(-1)!.body);
    expect(replayed.map((item) => [item.toolCallId, imageSize(item.bytes)])).toEqual([["toolu_media", { width: 1568, height: 1045 }]]);

    // Deleted since: the model hears so instead of getting the image.
    await request(stack.url).delete(`/api/sessions/${sessionId}/files/chart.png`).set(bearer(stack.key)).expect(204);
    anthropic.reply(anthropicTextReply("Gone.", { model: HAIKU }));
    await converse(stack, "And now?", { sessionId });
    const last = anthropic.requests.at(-1)!.body;
    expect(anthropicReceivedMedia(last)).toEqual([]);
    expect(JSON.stringify(last.messages[2].content[0])).toContain("chart.png is no longer in the session folder, so it cannot be shown again.");
  });

  it("on an OpenAI-compatible server, sends the image in a user message after the tool message", async () => {
    const sessionId = await createSession(stack.url, stack.key);
    await upload(stack.url, stack.key, sessionId, "chart.png", chart).expect(201);
    stack.fake
      .reply(openAiToolCallReply([{ id: "call_media", name: "ReadMedia", input: { file_path: "/workspace/chart.png" } }]))
      .reply(openAiTextReply("Blue."));
    const before = stack.fake.requests.length;
    await converse(stack, "Look at the chart", { sessionId });

    const sent = stack.fake.requests[before + 1]!.body;
    expect(sent.messages.at(-2)).toEqual({
      role: "tool",
      tool_call_id: "call_media",
      content: "Read image chart.png (2048×1365, image/png; scaled down from 3000×2000)",
    });
    const [image] = openAiReceivedMedia(sent);
    expect(image).toMatchObject({ kind: "image", mediaType: "image/png", in: "user" });
    expect(imageSize(image!.bytes)).toEqual({ width: 2048, height: 1365 });
  });

  it("gives the model a tool error for a path outside the folder or a text file as an image", async () => {
    const sessionId = await createSession(stack.url, stack.key);
    await upload(stack.url, stack.key, sessionId, "notes.png", Buffer.from("not an image at all")).expect(201);
    stack.fake
      .reply(
        openAiToolCallReply([
          { id: "call_out", name: "ReadMedia", input: { file_path: "../../etc/passwd" } },
          { id: "call_text", name: "ReadMedia", input: { file_path: "notes.png" } },
        ]),
      )
      .reply(openAiTextReply("Understood."));
    await converse(stack, "Read them", { sessionId });
    const calls = (await messagesOf(sessionId)).flatMap((message: { toolCalls?: unknown[] }) => message.toolCalls ?? []);
    expect(calls).toEqual([
      expect.objectContaining({ id: "call_out", isError: true, result: expect.stringMatching(/^Refused path '\.\.\/\.\.\/etc\/passwd'/) }),
      expect.objectContaining({ id: "call_text", isError: true, result: expect.stringMatching(/notes\.png is not an image .*ReadText/) }),
    ]);
    expect(openAiReceivedMedia(stack.fake.requests.at(-1)!.body)).toEqual([]);
  });
});

describe("Show", () => {
  it("names the file with its URLs in GET /messages, and the URLs serve it", async () => {
    const sessionId = await createSession(stack.url, stack.key);
    await upload(stack.url, stack.key, sessionId, "chart.png", chart).expect(201);
    stack.fake
      .reply(openAiToolCallReply([{ id: "call_show", name: "Show", input: { files: [{ path: "chart.png", caption: "The chart" }] } }]))
      .reply(openAiTextReply("Shown."));
    await converse(stack, "Show me the chart", { sessionId });

    const call = await lastToolCall(sessionId);
    expect(call).toMatchObject({ id: "call_show", name: "Show", type: "tool_use", finished: true, isError: false });
    const url = `/api/sessions/${sessionId}/files/chart.png`;
    expect(JSON.parse(call.result)).toEqual({
      shown: [{ path: "chart.png", kind: "image", mediaType: "image/png", size: chart.length, url, thumbnailUrl: `${url}?thumb=w400`, caption: "The chart" }],
    });
    const file = await request(stack.url).get(url).set(bearer(stack.key)).buffer(true).expect(200);
    expect(file.headers["content-type"]).toMatch(/^image\/png/);
    const thumb = await request(stack.url).get(`${url}?thumb=w400`).set(bearer(stack.key)).buffer(true).expect(200);
    expect((await sharp(thumb.body as Buffer).metadata()).width).toBe(400);
  });

  it("reports a missing file as a tool error", async () => {
    const sessionId = await createSession(stack.url, stack.key);
    stack.fake.reply(openAiToolCallReply([{ id: "call_missing", name: "Show", input: { files: [{ path: "nope.mp4" }] } }])).reply(openAiTextReply("Sorry."));
    await converse(stack, "Show the video", { sessionId });
    expect(await lastToolCall(sessionId)).toMatchObject({ id: "call_missing", isError: true, result: "File not found: nope.mp4" });
  });
});
