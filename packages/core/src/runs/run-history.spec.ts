import type { PartData } from "../messages/parts";
import { SUMMARY_HEADER } from "../context/compaction";
import { markerCallId } from "../context/compaction-marker";
import { loadModelHistory } from "./run-history";
import type { TranscriptMessage } from "./run-step-store";

const text = (id: string, role: "user" | "assistant", value: string): TranscriptMessage => ({ id, role, parts: [{ type: "text", text: value }] });
const marker = (id: string, input: object, summary: string, isError = false): TranscriptMessage => {
  const toolCallId = markerCallId(id);
  const parts: PartData[] = [
    {
      type: "tool_call",
      toolCallId,
      name: "compact",
      input: JSON.stringify({ reason: "auto", summarizedMessages: 2, tokensBefore: 9, tokensAfter: 3, ...input }),
    },
    { type: "tool_result", toolCallId, result: summary, isError },
  ];
  return { id, role: "assistant", parts };
};
const load = (messages: TranscriptMessage[]) => loadModelHistory({ transcript: async () => messages }, "s", 9);

it("sends the last compaction's summary in place of the messages before its kept part, every stored message still read", async () => {
  const history = await load([
    text("u1", "user", "first"),
    text("a1", "assistant", "one"),
    text("u2", "user", "second"),
    marker("m1", { keptFrom: "u2" }, "S1"),
    text("a2", "assistant", "two"),
    text("u3", "user", "third"),
  ]);
  expect(history).toEqual([
    { role: "user", content: `${SUMMARY_HEADER}\nS1\n\nsecond`, sourceId: "u2" },
    { role: "assistant", content: "two", sourceId: "a2" },
    { role: "user", content: "third", sourceId: "u3" },
  ]);
});

it("after /compact keeps only what followed its marker, and never sends the command itself", async () => {
  const history = await load([
    text("u1", "user", "first"),
    text("a1", "assistant", "one"),
    text("u2", "user", "/compact"),
    marker("m1", { keptFrom: null, reason: "command" }, "S"),
    text("u3", "user", "next"),
  ]);
  expect(history).toEqual([{ role: "user", content: `${SUMMARY_HEADER}\nS\n\nnext`, sourceId: "u3" }]);
});

it("ignores a marker whose summary was never stored, and one whose kept message is gone", async () => {
  const base = [text("u1", "user", "first"), text("a1", "assistant", "one")];
  const full = [
    { role: "user", content: "first", sourceId: "u1" },
    { role: "assistant", content: "one", sourceId: "a1" },
  ];
  expect(await load([...base, marker("m1", { keptFrom: "a1" }, "interrupted", true)])).toEqual(full);
  expect(await load([...base, marker("m1", { keptFrom: "gone" }, "S")])).toEqual(full);
});
