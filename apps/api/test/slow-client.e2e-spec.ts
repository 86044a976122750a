/**
 * A client that stops reading is cut off once its unread bytes pass the limit, instead of
 * events being dropped or buffered without bound; resuming from its last id loses nothing,
 * and the replay of that large backlog is paced by the reader rather than cut off.
 */
import net from "node:net";
import { waitFor } from "@mix/testing";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
const LIMIT = 1024 * 1024;

beforeAll(async () => {
  stack = await startTestStack({
    label: "slow",
    // ~8 MB of deltas (and the same again in the final answer): far more than loopback socket
    // buffers plus the limit.
    env: {
      SSE_MAX_BUFFERED_BYTES: String(LIMIT),
      SCRIPTED_CONTENT_DELTAS: "1000",
      SCRIPTED_DELTA_MIN_CHARS: "8000",
      SCRIPTED_REASONING_DELTAS: "0",
    },
  });
});
afterAll(() => stack?.close());

it("disconnects a client that stops reading, and a resume gets every later event", async () => {
  const { url, api } = stack.apis[0]!;
  const sessionId = await createSession(url, stack.key);

  // A raw socket that sends the request, reads until `connected`, then stops reading.
  const { port } = new URL(url);
  const socket = net.connect(Number(port), "127.0.0.1");
  let received = "";
  let closed = false;
  let paused = false;
  socket.on("data", (chunk) => {
    received += chunk.toString("utf8");
    if (!paused && received.includes("event: connected")) {
      paused = true;
      socket.pause();
    }
  });
  socket.on("close", () => (closed = true));
  socket.on("error", () => (closed = true));
  socket.write(`GET /stream?sessionId=${sessionId} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.key}\r\n\r\n`);
  try {
    await waitFor(() => received.includes("event: connected"), { what: "the slow client to connect" });
    await sendMessage(url, stack.key, sessionId, "flood");
    await waitFor(async () => (await api.infrastructure.prisma.run.findFirst({ where: { sessionId } }))?.status === "completed", {
      timeoutMs: 60_000,
      what: "the run to complete",
    });
    // Reading again drains what the kernel held; the stream then ends, cut off short of the end.
    socket.resume();
    await waitFor(() => closed, { timeoutMs: 10_000, what: "the slow client to be cut off" });
    expect(received).not.toContain("event: complete");
  } finally {
    socket.destroy();
  }

  // It resumes from the last id it saw and gets every later event: consecutive ids, no gap.
  const lastSeen = Number([...received.matchAll(/^id: (\d+)$/gm)].at(-1)![1]);
  const resumed = await openStream(url, stack.key, sessionId, String(lastSeen));
  try {
    const complete = await resumed.waitForEvent(isComplete, 60_000);
    const ids = resumed.logEvents.map((event) => Number(event.id));
    expect(ids[0]).toBe(lastSeen + 1);
    expect(ids).toEqual(ids.map((_, i) => lastSeen + 1 + i));
    expect(Number(complete.id)).toBe(ids.at(-1));
    expect(resumed.logEvents.filter((event) => event.event === "content").length).toBeGreaterThan(100);
    // The replay of megabytes was paced, not cut off.
    expect(resumed.ended).toBe(false);
  } finally {
    resumed.close();
  }
}, 120_000);
