/** The compiled forwarder as the sandbox runs it: a local port relayed to the proxy socket, and the command's exit status relayed back. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { waitFor } from "@mix/testing";
import { createLogger } from "../../logging/logger";
import { egressForwarderFile } from "./egress-paths";
import { EgressProxy } from "./egress-proxy";
import { startEchoServer, startRecordingServer } from "../../../test/helpers/egress-fixtures";

const forwarder = egressForwarderFile();
let dir: string;
let web: Awaited<ReturnType<typeof startRecordingServer>>;
let echo: Awaited<ReturnType<typeof startEchoServer>>;
let proxy: EgressProxy;

beforeAll(async () => {
  if (!existsSync(forwarder)) throw new Error(`${forwarder} is missing: build @mix/core first (pnpm --filter @mix/core build)`);
  dir = await mkdtemp(path.join(os.tmpdir(), "mix-forwarder-"));
  [web, echo] = await Promise.all([startRecordingServer(), startEchoServer()]);
  const ports = [web.port, echo.port];
  proxy = await EgressProxy.start({
    socketPath: path.join(dir, "proxy.sock"),
    socketOwner: null,
    allowedPorts: new Set(ports),
    isAllowedAddress: (address, port) => address === "127.0.0.1" && ports.includes(port),
    logger: createLogger("forwarder-test", process.env.TEST_LOG_LEVEL ?? "silent"),
  });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([web.close(), echo.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the forwarder on a free port, the command told that port as PROXY_PORT; `finished`
 * resolves when it exits (killed after 15 s, so a hang fails rather than stalls).
 */
async function startForwarder(command: string[], socketPath = proxy.socketPath) {
  const port = await freePort();
  const child = spawn(process.execPath, [forwarder, "--listen", String(port), "--socket", socketPath, "--", ...command], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PROXY_PORT: String(port) },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const finished = once(child, "close").then(([code, signal]): Run => {
    clearTimeout(timer);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, ...output };
  });
  return { child, output, finished };
}

const runForwarder = async (command: string[], socketPath?: string) => (await startForwarder(command, socketPath)).finished;

/** Fetches argv[1] through the proxy at PROXY_PORT (absolute URI on the request line) and prints status and body. */
const FETCH_SCRIPT = `
const http = require("node:http");
const url = new URL(process.argv[1]);
http
  .get({ host: "127.0.0.1", port: Number(process.env.PROXY_PORT), path: url.href, headers: { host: url.host } }, (response) => {
    let body = "";
    response.on("data", (chunk) => (body += chunk));
    response.on("end", () => console.log(response.statusCode + " " + body.trim()));
  })
  .on("error", (error) => {
    console.error(error.message);
    process.exit(3);
  });
`;

/** CONNECTs to argv[1] through the proxy at PROXY_PORT, sends "ping" and prints the answer's status line and what came back. */
const TUNNEL_SCRIPT = `
const socket = require("node:net").connect(Number(process.env.PROXY_PORT), "127.0.0.1");
let text = "";
socket.on("data", (chunk) => {
  text += chunk;
  if (text.endsWith("\\r\\n\\r\\n")) socket.write("ping");
  if (text.endsWith("ping")) {
    console.log(text.split("\\r\\n")[0] + " / " + text.split("\\r\\n\\r\\n")[1]);
    socket.end();
  }
});
socket.write("CONNECT " + process.argv[1] + " HTTP/1.1\\r\\nHost: " + process.argv[1] + "\\r\\n\\r\\n");
`;

const fetchThroughForwarder = (url: string, socketPath?: string) => runForwarder([process.execPath, "-e", FETCH_SCRIPT, url], socketPath);

describe("the forwarder", () => {
  it("relays a plain-HTTP proxy request from the command to the proxy, and the answer back", async () => {
    const run = await fetchThroughForwarder(`http://127.0.0.1:${web.port}/through-forwarder`);
    expect(run).toMatchObject({ code: 0, stdout: "201 hello from /through-forwarder\n", stderr: "" });
    expect(web.seen.at(-1)).toMatchObject({ url: "/through-forwarder", headers: expect.objectContaining({ host: `127.0.0.1:${web.port}` }) });
  });

  it("passes the proxy's refusal through to the command", async () => {
    const run = await fetchThroughForwarder(`http://10.0.0.1:${web.port}/`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^403 egress refused: 10\.0\.0\.1 is a loopback, private/);
  });

  it("carries a CONNECT tunnel", async () => {
    const run = await runForwarder([process.execPath, "-e", TUNNEL_SCRIPT, `127.0.0.1:${echo.port}`]);
    expect(run).toMatchObject({ code: 0, stdout: "HTTP/1.1 200 Connection Established / ping\n", stderr: "" });
  });

  it("answers 502 itself when the proxy socket is not there", async () => {
    const run = await fetchThroughForwarder(`http://127.0.0.1:${web.port}/`, path.join(dir, "missing.sock"));
    expect(run).toMatchObject({ code: 0, stdout: "502 egress proxy unavailable\n" });
  });

  it("exits with the command's exit code", async () => {
    expect(await runForwarder([process.execPath, "-e", "process.exit(7)"])).toMatchObject({ code: 7, stderr: "" });
  });

  it("exits 128 + the signal number when a signal kills the command", async () => {
    expect(await runForwarder([process.execPath, "-e", "process.kill(process.pid, 'SIGKILL')"])).toMatchObject({ code: 137 });
  });

  it("forwards SIGTERM to the command", async () => {
    const started = await startForwarder([process.execPath, "-e", "console.log('ready'); setInterval(() => {}, 1000)"]);
    await waitFor(() => started.output.stdout.includes("ready"), { what: "the command to start" });
    started.child.kill("SIGTERM");
    expect(await started.finished).toMatchObject({ code: 143, signal: null });
  });

  it("exits 127 with a one-line error when the program does not exist", async () => {
    const run = await runForwarder(["no-such-program-for-the-forwarder"]);
    expect(run).toMatchObject({ code: 127, stdout: "" });
    expect(run.stderr).toBe("mix-egress-forwarder: cannot run no-such-program-for-the-forwarder: no such program\n");
  });

  it("exits 125 with the usage on bad arguments", async () => {
    const child = spawn(process.execPath, [forwarder, "--listen", "nope"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const [code] = await once(child, "close");
    expect(code).toBe(125);
    expect(stderr).toMatch(/^mix-egress-forwarder: bad option --listen nope\nusage: /);
  });
});
