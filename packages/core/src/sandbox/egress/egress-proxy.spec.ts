/** The egress proxy on a real Unix socket: tunnels and plain requests to allowed targets, refusals by rule, and robustness. */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { waitFor } from "@mix/testing";
import { createLogger } from "../../logging/logger";
import { EgressProxy, type EgressProxyOptions } from "./egress-proxy";
import {
  connectThroughProxy,
  RawClient,
  requestThroughProxy,
  startEchoServer,
  startRecordingServer,
  startResettingServer,
} from "../../../test/helpers/egress-fixtures";

const logger = createLogger("egress-proxy-test", process.env.TEST_LOG_LEVEL ?? "silent");
const NOT_PUBLIC = /is a loopback, private, link-local or reserved address; the sandbox reaches public addresses only/;

let dir: string;
let web: Awaited<ReturnType<typeof startRecordingServer>>;
let echo: Awaited<ReturnType<typeof startEchoServer>>;
let resetting: Awaited<ReturnType<typeof startResettingServer>>;
/** Lets exactly the local test servers stand in for public hosts. */
let trusted: EgressProxy;
/** The rule as deployed: public addresses, ports 80 and 443. */
let standard: EgressProxy;

const startProxy = (name: string, options: Partial<EgressProxyOptions> = {}) =>
  EgressProxy.start({ socketPath: path.join(dir, `${name}.sock`), socketOwner: null, allowedPorts: new Set([80, 443]), logger, ...options });

const allowLocal = (...ports: number[]): Partial<EgressProxyOptions> => ({
  allowedPorts: new Set(ports),
  isAllowedAddress: (address, port) => address === "127.0.0.1" && ports.includes(port),
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mix-egress-"));
  [web, echo, resetting] = await Promise.all([startRecordingServer(), startEchoServer(), startResettingServer()]);
  trusted = await startProxy("trusted", allowLocal(web.port, echo.port, resetting.port));
  standard = await startProxy("standard");
});

afterAll(async () => {
  await Promise.all([trusted.close(), standard.close()]);
  await Promise.all([web.close(), echo.close(), resetting.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** The proxy still answers a good request after whatever the test did to it. */
async function expectStillServing(proxy: EgressProxy = trusted): Promise<void> {
  const answer = await requestThroughProxy(proxy.socketPath, `http://127.0.0.1:${web.port}/still`);
  expect(answer.status).toBe(proxy === trusted ? 201 : 403);
}

describe("CONNECT to an allowed target", () => {
  it("answers 200 and carries bytes both ways, including bytes sent before the answer", async () => {
    const client = await RawClient.open(trusted.socketPath);
    client.write(`CONNECT 127.0.0.1:${echo.port} HTTP/1.1\r\nHost: 127.0.0.1:${echo.port}\r\n\r\nearly;`);
    expect(await client.answer()).toMatchObject({ status: 200 });
    expect(client.text).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\n/);
    client.write("ping");
    expect(await client.waitForText("early;ping")).toMatch(/\r\n\r\nearly;ping$/);
    client.destroy();
  });

  it("refuses a port of the allowed host that is not allowed", async () => {
    const { client, answer } = await connectThroughProxy(trusted.socketPath, "127.0.0.1:25");
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/^egress refused: port 25 is not allowed \(allowed: \d+, \d+, \d+\)\n$/);
    await client.waitForClose();
  });
});

describe("plain HTTP to an allowed target", () => {
  it("forwards a GET with the target's Host header and without proxy or hop-by-hop headers", async () => {
    const answer = await requestThroughProxy(trusted.socketPath, `http://127.0.0.1:${web.port}/hello?x=1`, {
      headers: {
        host: `127.0.0.1:${web.port}`,
        "proxy-authorization": "Basic c2VjcmV0",
        "proxy-connection": "keep-alive",
        connection: "x-hop",
        "x-hop": "dropped",
        "x-kept": "kept",
      },
    });
    expect(answer).toMatchObject({ status: 201, body: "hello from /hello?x=1" });
    expect(answer.headers["x-answer"]).toBe("yes");
    expect(answer.headers["proxy-authenticate"]).toBeUndefined();
    // The proxy's own connection to the client has its own keep-alive, not the target's.
    expect(answer.headers["keep-alive"]).not.toBe("timeout=99");
    const seen = web.seen.at(-1)!;
    expect(seen).toMatchObject({ method: "GET", url: "/hello?x=1" });
    expect(seen.headers.host).toBe(`127.0.0.1:${web.port}`);
    expect(seen.headers["x-kept"]).toBe("kept");
    for (const name of ["proxy-authorization", "proxy-connection", "x-hop"]) expect(seen.headers[name]).toBeUndefined();
  });

  it("streams a request body to the target and its answer back", async () => {
    const body = "b".repeat(300_000);
    const answer = await requestThroughProxy(trusted.socketPath, `http://127.0.0.1:${web.port}/upload`, { method: "POST", body });
    expect(answer).toMatchObject({ status: 201, body: "got 300000 bytes" });
    expect(web.seen.at(-1)).toMatchObject({ method: "POST", url: "/upload" });
  });
});

describe("the default rule", () => {
  const hosts = ["127.0.0.1", "localhost", "[::1]", "10.0.0.1", "169.254.169.254", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"];

  it.each(hosts)("refuses CONNECT %s:443 with 403 and the reason", async (host) => {
    const { client, answer } = await connectThroughProxy(standard.socketPath, `${host}:443`);
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toMatch(/^text\/plain/);
    expect(answer.body).toMatch(NOT_PUBLIC);
    expect(answer.body).toMatch(/^egress refused: /);
    await client.waitForClose();
  });

  it.each(hosts)("refuses GET http://%s/ with 403 and the reason", async (host) => {
    const answer = await requestThroughProxy(standard.socketPath, `http://${host}/`);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(NOT_PUBLIC);
  });

  it("names the address a refused name resolves to", async () => {
    const answer = await requestThroughProxy(standard.socketPath, "http://localhost/");
    expect(answer.body).toMatch(/^egress refused: localhost resolves to (127\.0\.0\.1|::1), which is a loopback/);
  });

  it("refuses the cloud metadata address on the worker's own network", async () => {
    const answer = await requestThroughProxy(standard.socketPath, "http://169.254.169.254/latest/meta-data/");
    expect(answer.body).toBe(
      "egress refused: 169.254.169.254 is a loopback, private, link-local or reserved address; the sandbox reaches public addresses only\n",
    );
  });

  it("refuses a port that is not allowed, before any lookup", async () => {
    const { answer } = await connectThroughProxy(standard.socketPath, "1.1.1.1:25");
    expect(answer).toMatchObject({ status: 403, body: "egress refused: port 25 is not allowed (allowed: 80, 443)\n" });
    const plain = await requestThroughProxy(standard.socketPath, "http://1.1.1.1:8080/");
    expect(plain).toMatchObject({ status: 403, body: "egress refused: port 8080 is not allowed (allowed: 80, 443)\n" });
  });

  it("answers 502 for a name that does not resolve", async () => {
    const { answer } = await connectThroughProxy(standard.socketPath, "no-such-host.invalid:443");
    expect(answer.status).toBe(502);
    expect(answer.body).toMatch(/^egress failed: cannot resolve no-such-host\.invalid \(\w+\)/);
    expect((await requestThroughProxy(standard.socketPath, "http://no-such-host.invalid/")).status).toBe(502);
  });
});

describe("bad requests", () => {
  it.each([
    ["a request line that is not HTTP", "GARBAGE\r\n\r\n", 400],
    ["a relative URI", "GET /relative HTTP/1.1\r\nHost: example.com\r\n\r\n", 400],
    ["an https URI without CONNECT", "GET https://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", 400],
    ["an ftp URI", "GET ftp://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", 400],
    ["CONNECT without a port", "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", 400],
    ["CONNECT to a broken IPv6 literal", "CONNECT [::1:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["CONNECT to a host with odd characters", "CONNECT exa$mple.com:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["headers past the size limit", `GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`, 431],
  ])("answers %s with a 4xx and keeps serving", async (_what, request, status) => {
    const client = await RawClient.open(trusted.socketPath);
    client.write(request);
    expect((await client.answer()).status).toBe(status);
    client.destroy();
    await expectStillServing();
  });
});

describe("robustness", () => {
  it("drops the target connection when the client disconnects mid-tunnel", async () => {
    const before = echo.open();
    const { client } = await connectThroughProxy(trusted.socketPath, `127.0.0.1:${echo.port}`);
    client.write("half");
    await client.waitForText("half");
    expect(echo.open()).toBe(before + 1);
    client.destroy();
    await waitFor(() => echo.open() === before, { what: "the echo server's connection to close" });
    await expectStillServing();
  });

  it("closes the tunnel when the target resets it", async () => {
    const { client, answer } = await connectThroughProxy(trusted.socketPath, `127.0.0.1:${resetting.port}`);
    expect(answer.status).toBe(200);
    client.write("anything");
    await client.waitForClose();
    await expectStillServing();
  });

  it("answers 502 when the target resets a plain request", async () => {
    const answer = await requestThroughProxy(trusted.socketPath, `http://127.0.0.1:${resetting.port}/`);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatch(/^egress failed: 127\.0\.0\.1:\d+ \(ECONNRESET\)/);
    await expectStillServing();
  });

  it("answers 502 when nothing listens on the target port", async () => {
    const closed = net.createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const proxy = await startProxy("refused", allowLocal(port));
    try {
      const { answer } = await connectThroughProxy(proxy.socketPath, `127.0.0.1:${port}`);
      expect(answer).toMatchObject({ status: 502, body: `egress failed: cannot connect to 127.0.0.1:${port} (ECONNREFUSED)\n` });
    } finally {
      await proxy.close();
    }
  });

  it("answers 503 past the connection cap, and admits again once one closes", async () => {
    const proxy = await startProxy("capped", { ...allowLocal(echo.port), maxConnections: 1 });
    try {
      const first = await connectThroughProxy(proxy.socketPath, `127.0.0.1:${echo.port}`);
      expect(first.answer.status).toBe(200);
      const second = await connectThroughProxy(proxy.socketPath, `127.0.0.1:${echo.port}`);
      expect(second.answer).toMatchObject({ status: 503, body: "egress refused: too many connections through the proxy (at most 1)\n" });
      first.client.destroy();
      await waitFor(
        async () => {
          const again = await connectThroughProxy(proxy.socketPath, `127.0.0.1:${echo.port}`);
          again.client.destroy();
          return again.answer.status === 200;
        },
        { what: "a tunnel to be admitted again" },
      );
    } finally {
      await proxy.close();
    }
  });

  it("closes a tunnel that stays idle", async () => {
    const proxy = await startProxy("idle", { ...allowLocal(echo.port), idleTimeoutMs: 200 });
    try {
      const { client, answer } = await connectThroughProxy(proxy.socketPath, `127.0.0.1:${echo.port}`);
      expect(answer.status).toBe(200);
      await client.waitForClose();
    } finally {
      await proxy.close();
    }
  });
});

describe("the socket", () => {
  it("is 0600 and owned as asked", async () => {
    const owner = { uid: process.getuid!(), gid: process.getgid!() };
    const proxy = await startProxy("owned", { socketOwner: owner });
    try {
      const stats = await stat(proxy.socketPath);
      expect(stats.isSocket()).toBe(true);
      expect(stats.mode & 0o777).toBe(0o600);
      expect({ uid: stats.uid, gid: stats.gid }).toEqual(owner);
      expect((await stat(trusted.socketPath)).mode & 0o777).toBe(0o600);
    } finally {
      await proxy.close();
    }
  });

  it("is removed by close(), which also ends open tunnels", async () => {
    const proxy = await startProxy("closing", allowLocal(echo.port));
    const { client, answer } = await connectThroughProxy(proxy.socketPath, `127.0.0.1:${echo.port}`);
    expect(answer.status).toBe(200);
    await proxy.close();
    await client.waitForClose();
    await expect(stat(proxy.socketPath)).rejects.toMatchObject({ code: "ENOENT" });
    await proxy.close();
  });

  it("replaces a socket left behind, and refuses to remove anything else", async () => {
    // What a crashed worker leaves: the socket file, with nobody listening.
    const leftover = path.join(dir, "leftover.sock");
    const crashed = spawnSync(
      process.execPath,
      ["-e", `require("node:net").createServer().listen(${JSON.stringify(leftover)}, () => process.kill(process.pid, "SIGKILL"))`],
      { timeout: 10_000 },
    );
    expect(crashed.signal).toBe("SIGKILL");
    expect((await stat(leftover)).isSocket()).toBe(true);
    await writeFile(path.join(dir, "not-a-socket"), "data");
    await expect(startProxy("not-a-socket", { socketPath: path.join(dir, "not-a-socket") })).rejects.toThrow(/exists and is not a socket/);
    const proxy = await startProxy("leftover", { socketPath: leftover });
    await expectStillServing(proxy);
    await proxy.close();
  });
});
