import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ModelMessage } from "../models/model-provider";
import { compactedHistory, planCompaction, planFullCompaction, SUMMARY_HEADER, transcriptText } from "./compaction";
import { compactCommandOf, isMarkerCall, markerCallId, parseMarkerInput } from "./compaction-marker";
import { ContextMeter } from "./context-meter";
import { keepLargeOutput } from "./large-output";
import { estimateMessageTokens, estimateRequestTokens, MEDIA_TOKENS } from "./token-estimate";

const user = (content: string, sourceId: string): ModelMessage => ({ role: "user", content, sourceId });
const assistant = (content: string, sourceId: string, calls = false): ModelMessage => ({
  role: "assistant",
  content,
  sourceId,
  ...(calls ? { toolCalls: [{ id: `call-${sourceId}`, name: "Read", input: "{}" }] } : {}),
});
const tool = (sourceId: string, result = "ok"): ModelMessage => ({
  role: "tool",
  results: [{ toolCallId: `call-${sourceId}`, toolName: "Read", result, isError: false }],
});
const words = (tokens: number) => "abcd".repeat(tokens);

describe("token estimates", () => {
  it("counts four characters a token, framing per message, and a fixed cost per file", () => {
    expect(estimateMessageTokens({ role: "user", content: words(100) })).toBe(104);
    const withImage: ModelMessage = {
      role: "tool",
      results: [{ toolCallId: "c", toolName: "ReadMedia", result: "", isError: false, mediaRefs: [{ path: "a.png", mediaType: "image/png" }] }],
    };
    expect(estimateMessageTokens(withImage)).toBe(4 + MEDIA_TOKENS);
    expect(estimateRequestTokens({ system: words(10), tools: [], messages: [{ role: "user", content: words(10) }] })).toBe(24);
  });

  it("takes the provider's count of the previous call plus an estimate of what was added; estimates all when it has none", () => {
    const meter = new ContextMeter();
    const messages: ModelMessage[] = [{ role: "user", content: words(100) }];
    expect(meter.measure({ system: "", messages })).toEqual({ tokens: 104, source: "estimated" });
    meter.record({ messages: [...messages] }, { promptTokens: 5_000, completionTokens: 10 });
    messages.push({ role: "assistant", content: words(50) }, { role: "user", content: words(20) });
    expect(meter.measure({ system: "", messages })).toEqual({ tokens: 5_000 + 54 + 24, source: "reported" });
    // Another conversation (a compacted one) is estimated afresh.
    expect(meter.measure({ system: "", messages: [{ role: "user", content: words(10) }] }).source).toBe("estimated");
  });
});

describe("planCompaction", () => {
  const history = [
    user(words(500), "u1"),
    assistant(words(500), "a1"),
    user(words(50), "u2"),
    assistant("", "a2", true),
    tool("a2", words(50)),
    assistant(words(50), "a3"),
  ];

  it("keeps the longest tail within the budget, cut at a stored user or assistant message, never between a call and its result", () => {
    const plan = planCompaction(history, 300)!;
    expect(plan.keptFrom).toBe("u2");
    expect(plan.older).toEqual(history.slice(0, 2));
    expect(plan.kept).toEqual(history.slice(2));
    // A tiny budget still keeps the last stored message (not the tool result alone).
    expect(planCompaction(history, 10)!.keptFrom).toBe("a3");
    expect(planCompaction(history.slice(0, 5), 10)!.keptFrom).toBe("a2");
  });

  it("has nothing to do with a single message, or with messages that are not stored", () => {
    expect(planCompaction([user("hi", "u1")], 0)).toBeNull();
    expect(
      planCompaction(
        [
          { role: "user", content: "a" },
          { role: "assistant", content: "b" },
        ],
        0,
      ),
    ).toBeNull();
    expect(planFullCompaction([])).toBeNull();
  });
});

describe("compactedHistory", () => {
  it("joins the summary to a kept user message, so roles still alternate", () => {
    const rebuilt = compactedHistory("S", [user("old", "u1")], [user("new", "u2"), assistant("x", "a2")]);
    expect(rebuilt).toEqual([
      { role: "user", content: `${SUMMARY_HEADER}\nS\n\nnew`, sourceId: "u2" },
      { role: "assistant", content: "x", sourceId: "a2" },
    ]);
  });

  it("cut inside a turn: the summary, then the turn's request word for word, then the kept steps", () => {
    const [first] = compactedHistory("S", [user("do the thing", "u1"), assistant("", "a1", true), tool("a1")], [assistant("", "a2", true), tool("a2")]);
    expect(first).toEqual({
      role: "user",
      content: expect.stringMatching(/^\[Summary[^\n]*\nS\n\n\[The user's latest request, word for word\]\ndo the thing$/),
    });
    // Nothing kept (/compact): the summary alone.
    expect(compactedHistory("S", [user("a", "u1")], [])).toEqual([{ role: "user", content: `${SUMMARY_HEADER}\nS` }]);
  });

  it("gives the summariser a transcript within its budget, head and tail kept", () => {
    const text = transcriptText([user(`START ${words(5_000)}`, "u1"), assistant("END", "a1")], 2_000);
    expect(text.length).toBeLessThan(2_100);
    expect(text).toMatch(/^User: START/);
    expect(text).toMatch(/Assistant: END$/);
  });
});

describe("markers and the command", () => {
  it("tells a marker call from a model's call of a tool with the same name", () => {
    expect(isMarkerCall({ toolCallId: markerCallId("x"), name: "compact" })).toBe(true);
    expect(isMarkerCall({ toolCallId: "toolu_1", name: "compact" })).toBe(false);
    expect(parseMarkerInput('{"reason":"auto","keptFrom":"m1"}')).toMatchObject({ keptFrom: "m1" });
    expect(parseMarkerInput("not json")).toBeNull();
    expect(parseMarkerInput('{"keptFrom":3}')).toBeNull();
  });

  it("reads /compact and its instructions, and nothing else", () => {
    expect(compactCommandOf("/compact")).toBe("");
    expect(compactCommandOf("/compact  focus on the API\n")).toBe("focus on the API");
    expect(compactCommandOf("/compacts")).toBeNull();
    expect(compactCommandOf("please /compact")).toBeNull();
  });
});

describe("keepLargeOutput", () => {
  it("passes a short output, and keeps a long one in the session folder with its ends and path shown", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mix-large-output-"));
    try {
      expect(await keepLargeOutput("short", "c1", dir, 1_024)).toBe("short");
      const long = `HEAD${"é".repeat(3_000)}TAIL`;
      const shown = await keepLargeOutput(long, "call/1", dir, 1_024);
      expect(shown).toMatch(/^\[This output is 6008 bytes[\s\S]*tool-outputs\/call_1\.txt[\s\S]*\nHEAD[\s\S]*TAIL$/);
      expect(await readFile(path.join(dir, "tool-outputs", "call_1.txt"), "utf8")).toBe(long);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
