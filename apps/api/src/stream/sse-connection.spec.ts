/** One client's SSE connection on a real HTTP server: a tick's frames leave in one write, in order, and none is lost on close. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { LoggedEvent } from "@mix/core/streaming";
import { HeartbeatClock } from "./heartbeat-clock";
import { SseConnection } from "./sse-connection";

const content = (id: number) => ({ id: String(id), event: "content", data: { type: "content", content: `w${id}` } }) as LoggedEvent;

/** Serves one stream with `script`, and returns the body the client read and how many writes reached the response after `connected`. */
async function serve(script: (connection: SseConnection, response: http.ServerResponse) => void, maxBufferedBytes = 1 << 20) {
  const heartbeats = new HeartbeatClock(60_000);
  const writes: string[] = [];
  const server = http.createServer((_request, response) => {
    const connection = new SseConnection(response, 0, { heartbeats, maxBufferedBytes, retryMs: 1_000, onOverflow: () => undefined });
    connection.open("s1");
    setImmediate(() => {
      const write = response.write.bind(response) as (chunk: string) => boolean;
      response.write = ((chunk: string) => (writes.push(chunk), write(chunk))) as typeof response.write;
      script(connection, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ port, host: "127.0.0.1", path: "/" }, (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => resolve(text));
          response.on("error", reject);
        })
        .on("error", reject);
    });
    return { body, writes };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const contentIds = (body: string) => [...body.matchAll(/^id: (\d+)\nevent: content\n/gm)].map((match) => Number(match[1]));

it("hands the frames of one tick to the response in one write, in order", async () => {
  const { body, writes } = await serve((connection) => {
    for (let id = 1; id <= 12; id++) connection.send(content(id));
    setImmediate(() => {
      for (let id = 13; id <= 15; id++) connection.send(content(id));
      setImmediate(() => connection.close());
    });
  });
  expect(contentIds(body)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  expect(writes.map((chunk) => contentIds(chunk).length)).toEqual([12, 3]);
});

it("writes what it holds before it closes, and nothing to a response already destroyed", async () => {
  const { body } = await serve((connection) => {
    connection.send(content(1));
    connection.send(content(2));
    connection.close();
    connection.send(content(3));
  });
  expect(contentIds(body)).toEqual([1, 2]);

  await serve((connection, response) => {
    connection.send(content(1));
    response.destroy();
    // Its tick ends with a write to a destroyed response: none is made, nothing throws.
    setImmediate(() => connection.close());
  }).catch(() => undefined);
});

it("has a replay wait only for what the response holds and can drain", async () => {
  let pause: Promise<void> | undefined | "not asked";
  const { writes } = await serve((connection) => {
    for (let id = 1; id <= 40; id++) connection.send(content(id));
    // Over half the limit held: waitForDrain writes it first; the response took it without refusing, so no 'drain' is to come.
    pause = connection.waitForDrain();
    connection.close();
  }, 4_000);
  expect(pause).toBeUndefined();
  expect(writes.map((chunk) => contentIds(chunk).length)).toEqual([40]);
});

it("cuts off a client whose backlog, held frames included, passes the limit", async () => {
  let overflowed = 0;
  const heartbeats = new HeartbeatClock(60_000);
  const server = http.createServer((_request, response) => {
    const connection = new SseConnection(response, 0, { heartbeats, maxBufferedBytes: 2_000, retryMs: 1_000, onOverflow: () => overflowed++ });
    connection.open("s1");
    setImmediate(() => {
      // All in one tick: nothing reaches the response before the limit is passed.
      for (let id = 1; id <= 100; id++) connection.send(content(id));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve) => {
      http.get({ port, host: "127.0.0.1", path: "/" }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("close", () => resolve(text));
      });
    });
    expect(overflowed).toBe(1);
    expect(contentIds(body)).toEqual([]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
