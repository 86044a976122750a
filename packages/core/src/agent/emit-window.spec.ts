/** A step's events in a window: started in order without waiting, bounded in flight, failures not lost. */
import { EmitWindow } from "./emit-window";
import type { Emit } from "./model-step";

interface Sent {
  event: string;
  settle(error?: Error): void;
}

/** An emit whose events settle only when the test says so. */
function heldEmit(): { emit: Emit; sent: Sent[] } {
  const sent: Sent[] = [];
  const emit: Emit = (event) =>
    new Promise<unknown>((resolve, reject) => sent.push({ event, settle: (error) => (error ? reject(error) : resolve(undefined)) }));
  return { emit, sent };
}

const content = { type: "content", content: "x", assistantMessageId: "m" } as const;

it("starts every event at once and in order, and waits for them all at the end", async () => {
  const { emit, sent } = heldEmit();
  const outbox = new EmitWindow(emit, 10);
  for (let i = 0; i < 5; i++) await outbox.emit("content", content);
  await outbox.emit("tool_use_start", { type: "tool_use_start", id: "t", name: "n", assistantMessageId: "m" });
  expect(sent.map((entry) => entry.event)).toEqual(["content", "content", "content", "content", "content", "tool_use_start"]);
  let drained = false;
  const draining = outbox.drain().then(() => (drained = true));
  await Promise.resolve();
  expect(drained).toBe(false);
  sent.forEach((entry) => entry.settle());
  await draining;
  expect(drained).toBe(true);
});

it("holds the stream once `limit` events are in flight", async () => {
  const { emit, sent } = heldEmit();
  const outbox = new EmitWindow(emit, 2);
  await outbox.emit("content", content);
  await outbox.emit("content", content);
  let third = false;
  const emitting = outbox.emit("content", content).then(() => (third = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(third).toBe(false);
  sent[0]!.settle();
  await emitting;
  expect(third).toBe(true);
});

it("fails the next emit and the drain with a failed event's error", async () => {
  const { emit, sent } = heldEmit();
  const outbox = new EmitWindow(emit, 10);
  await outbox.emit("content", content);
  sent[0]!.settle(new Error("Redis is gone"));
  await new Promise((resolve) => setImmediate(resolve));
  await expect(outbox.emit("content", content)).rejects.toThrow("Redis is gone");
  await expect(outbox.drain()).rejects.toThrow("Redis is gone");
  // Nothing more was started after the failure was known.
  expect(sent).toHaveLength(1);
});
