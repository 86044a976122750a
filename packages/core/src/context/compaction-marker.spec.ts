import { COMPACT_TOOL_NAME, markerCallId, parseMarkerInput, remapMarkerPart } from "./compaction-marker";

const marker = (keptFrom: string | null) => ({
  type: "tool_call",
  toolCallId: markerCallId("m1"),
  name: COMPACT_TOOL_NAME,
  input: JSON.stringify({ reason: "auto", keptFrom, summarizedMessages: 4, tokensBefore: 900, tokensAfter: 200 }),
});

describe("remapMarkerPart (a forked session's copy of a compaction marker)", () => {
  const copies = new Map([["old-message", "new-message"]]);

  it("points keptFrom at the copy of the message it named", () => {
    const copied = remapMarkerPart(marker("old-message"), copies);
    expect(parseMarkerInput(copied.input)).toMatchObject({ keptFrom: "new-message", summarizedMessages: 4 });
  });

  it("keeps only what follows the marker when the named message was not copied", () => {
    expect(parseMarkerInput(remapMarkerPart(marker("gone"), copies).input)?.keptFrom).toBeNull();
  });

  it("leaves other parts and a model's own `compact` call alone", () => {
    const text = { type: "text", text: "keptFrom old-message" };
    const modelCall = { ...marker("old-message"), toolCallId: "call_1" };
    expect(remapMarkerPart(text, copies)).toBe(text);
    expect(remapMarkerPart(modelCall, copies)).toBe(modelCall);
  });
});
