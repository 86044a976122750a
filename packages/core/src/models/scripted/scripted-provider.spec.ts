import type { ModelMessage, ModelRequest, ModelStreamPart, ToolDefinition } from "../model-provider";
import { parseToolDirectives, ScriptedProvider, type ScriptedProviderOptions } from "./scripted-provider";

const tool = (name: string): ToolDefinition => ({ name, description: `${name} tool`, inputSchema: { type: "object" } });
const TOOLS = [tool("Bash"), tool("Write"), tool("ReadText")];

const request = (messages: ModelMessage[], tools: ToolDefinition[] = TOOLS): ModelRequest => ({
  model: "scripted-1",
  system: "You are a test.",
  thinkingBudget: 0,
  messages,
  tools,
});

async function collect(request: ModelRequest, options: Partial<ScriptedProviderOptions> = {}, signal = new AbortController().signal) {
  const provider = new ScriptedProvider({ contentDeltas: 4, reasoningDeltas: 2, delayMs: 0, ...options });
  const parts: ModelStreamPart[] = [];
  for await (const part of provider.stream(request, signal)) parts.push(part);
  return parts;
}

const text = (parts: ModelStreamPart[]) => parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : [])).join("");
const finish = (parts: ModelStreamPart[]) => parts.at(-1) as Extract<ModelStreamPart, { type: "finish" }>;
const callIds = (parts: ModelStreamPart[]) => parts.flatMap((p) => (p.type === "tool-call" ? [p.id] : []));

describe("ScriptedProvider", () => {
  it("answers plain prompts as before: reasoning, exactly contentDeltas words echoing the prompt, stop", async () => {
    const parts = await collect(request([{ role: "user", content: "hello there world" }]), { contentDeltas: 7 });
    expect(parts.filter((p) => p.type === "reasoning-delta")).toEqual([
      { type: "reasoning-delta", text: "Reading the request. " },
      { type: "reasoning-delta", text: "Step 2. " },
    ]);
    expect(parts.filter((p) => p.type === "text-delta")).toHaveLength(7);
    expect(text(parts)).toBe("You said: hello there world Here is");
    expect(finish(parts)).toEqual({ type: "finish", finishReason: "stop", usage: { promptTokens: expect.any(Number), completionTokens: 9 } });
    expect(parts.some((p) => p.type.startsWith("tool-call"))).toBe(false);
  });

  it("pads deltas to deltaMinChars", async () => {
    const parts = await collect(request([{ role: "user", content: "hi" }]), { contentDeltas: 2, deltaMinChars: 6 });
    expect(parts.filter((p) => p.type === "text-delta").map((p) => (p as { text: string }).text)).toEqual(["You...", " said:"]);
  });

  it("streams one call per @tool line, its input in pieces, and finishes with tool-calls", async () => {
    const bashInput = '{"command":"ls -la && echo done"}';
    const writeInput = '{"path":"notes.md","content":"hi"}';
    const parts = await collect(request([{ role: "user", content: `List files\n@tool Bash ${bashInput}\n@tool Write ${writeInput}` }]));

    expect(parts.slice(0, 3)).toEqual([
      { type: "reasoning-delta", text: "Reading the request. " },
      { type: "reasoning-delta", text: "Step 2. " },
      { type: "text-delta", text: "I'll use Bash, Write." },
    ]);
    const [bashId, writeId] = callIds(parts);
    expect(bashId).toMatch(/^call_1_\w+$/);
    expect(writeId).toMatch(/^call_2_\w+$/);
    const bashParts = parts.filter((p) => "id" in p && p.id === bashId);
    expect(bashParts[0]).toEqual({ type: "tool-call-start", id: bashId, name: "Bash" });
    const deltas = bashParts.filter((p) => p.type === "tool-call-delta").map((p) => (p as { inputDelta: string }).inputDelta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((d) => d.length <= 16)).toBe(true);
    expect(deltas.join("")).toBe(bashInput);
    expect(bashParts.at(-1)).toEqual({ type: "tool-call", id: bashId, name: "Bash", input: bashInput });
    // The Write call starts only after the Bash call is complete.
    expect(parts.findIndex((p) => p.type === "tool-call-start" && p.id === writeId)).toBeGreaterThan(parts.indexOf(bashParts.at(-1)!));
    expect(parts.find((p) => p.type === "tool-call" && p.id === writeId)).toEqual({ type: "tool-call", id: writeId, name: "Write", input: writeInput });
    expect(finish(parts)).toMatchObject({ finishReason: "tool-calls", usage: { completionTokens: expect.any(Number) } });
    expect(finish(parts).usage.completionTokens).toBeGreaterThan(2);
  });

  it("gives distinct call ids to each step and turn, and the same ids to the same history", async () => {
    const first: ModelMessage[] = [{ role: "user", content: "@tool Bash {}" }];
    const later: ModelMessage[] = [
      ...first,
      { role: "assistant", content: "I'll use Bash.", toolCalls: [{ id: "x", name: "Bash", input: "{}" }] },
      { role: "tool", results: [{ toolCallId: "x", toolName: "Bash", result: "ok", isError: false }] },
      { role: "assistant", content: "Bash succeeded" },
      { role: "user", content: "@tool Bash {}\n@tool Bash {}" },
    ];
    const idsFirst = callIds(await collect(request(first)));
    const idsLater = callIds(await collect(request(later)));
    expect(idsFirst).toHaveLength(1);
    expect(idsLater).toHaveLength(2);
    expect(new Set([...idsFirst, ...idsLater]).size).toBe(3);
    expect(callIds(await collect(request(first)))).toEqual(idsFirst);
  });

  it("ignores and mentions tools that are not offered", async () => {
    const parts = await collect(request([{ role: "user", content: "@tool Bash {}\n@tool Nope {}" }], [tool("Bash")]));
    expect(text(parts)).toBe("I'll use Bash. Nope is not available, so I did not call it.");
    expect(parts.filter((p) => p.type === "tool-call").map((p) => (p as { name: string }).name)).toEqual(["Bash"]);
  });

  it("answers in text when none of the named tools is offered", async () => {
    const messages: ModelMessage[] = [{ role: "user", content: "Please\n@tool Bash {}\n@tool Write {}" }];
    for (const tools of [[], undefined]) {
      const parts = await collect({ ...request(messages), tools }, { contentDeltas: 3 });
      expect(text(parts)).toBe("Bash, Write are not available, so I did not call them.\n\nYou said: Please");
      expect(parts.some((p) => p.type.startsWith("tool-call"))).toBe(false);
      expect(finish(parts).finishReason).toBe("stop");
    }
  });

  it("passes the input on as written: empty becomes {}, malformed stays malformed", async () => {
    const parts = await collect(request([{ role: "user", content: "@tool Bash\n@tool Write {not json" }]));
    expect(parts.filter((p) => p.type === "tool-call").map((p) => (p as { input: string }).input)).toEqual(["{}", "{not json"]);
  });

  it("summarises tool results, then answers with the echo of the prompt without its directives", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "Do it\n@tool Bash {}\n@tool Write {}" },
      { role: "assistant", content: "I'll use Bash, Write.", toolCalls: [] },
      {
        role: "tool",
        results: [
          { toolCallId: "a", toolName: "Bash", result: `\n${"x".repeat(100)}\nsecond line`, isError: false },
          { toolCallId: "b", toolName: "Write", result: "Refused path '../x'", isError: true },
          { toolCallId: "c", toolName: "ReadText", result: "", isError: false },
        ],
      },
    ];
    const parts = await collect(request(messages), { contentDeltas: 3 });
    expect(text(parts)).toBe(`Bash succeeded: ${"x".repeat(79)}…; Write failed: Refused path '../x'; ReadText succeeded: (no output).\n\nYou said: Do`);
    expect(parts.filter((p) => p.type === "text-delta")).toHaveLength(4);
    expect(parts.some((p) => p.type.startsWith("tool-call"))).toBe(false);
    expect(finish(parts).finishReason).toBe("stop");
  });

  it("does not call tools again when the directives were in an earlier message", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "@tool Bash {}" },
      { role: "assistant", content: "Done." },
      { role: "user", content: "thanks" },
    ];
    const parts = await collect(request(messages), { contentDeltas: 3 });
    expect(text(parts)).toBe("You said: thanks");
  });

  it("stops with the signal's reason, also while streaming a tool call", async () => {
    const controller = new AbortController();
    const provider = new ScriptedProvider({ contentDeltas: 4, reasoningDeltas: 0, delayMs: 5 });
    const seen: string[] = [];
    const run = (async () => {
      for await (const part of provider.stream(request([{ role: "user", content: '@tool Bash {"command":"a long enough command"}' }]), controller.signal)) {
        seen.push(part.type);
        if (part.type === "tool-call-delta") controller.abort(new Error("cancelled by test"));
      }
    })();
    await expect(run).rejects.toThrow("cancelled by test");
    expect(seen).toEqual(["text-delta", "tool-call-start", "tool-call-delta"]);
  });
});

describe("parseToolDirectives", () => {
  it("splits @tool lines from the rest, tolerating spaces and CRLF", () => {
    expect(parseToolDirectives('a\r\n  @tool   Bash   {"command":"ls"}  \r\nb\n@tools X {}\nnot @tool Y {}')).toEqual({
      directives: [{ name: "Bash", input: '{"command":"ls"}' }],
      prompt: "a\r\nb\n@tools X {}\nnot @tool Y {}",
    });
    expect(parseToolDirectives("")).toEqual({ directives: [], prompt: "" });
  });
});
