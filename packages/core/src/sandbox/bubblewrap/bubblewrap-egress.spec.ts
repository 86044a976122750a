/**
 * Egress from inside a real bubblewrap sandbox: a workspace that allows it reaches public hosts
 * through the worker's proxy (a loopback test server stands in for one, by overriding the
 * proxy's address check as only tests can), and loopback, private and metadata targets are
 * refused; a workspace without egress has no proxy and no network at all.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isPublicAddress } from "../../network/address-guard";
import type { Sandbox } from "../sandbox";
import { bashTool } from "../../tools/bash";
import type { ToolContext } from "../../tools/tool";
import { startRecordingServer } from "../../../test/helpers/egress-fixtures";
import { testSandbox } from "../../../test/helpers/test-sandbox";

let publicStandIn: Awaited<ReturnType<typeof startRecordingServer>>;
let hostService: Awaited<ReturnType<typeof startRecordingServer>>;
let base: string;
let sandbox: Sandbox;

beforeAll(async () => {
  publicStandIn = await startRecordingServer();
  hostService = await startRecordingServer();
  base = await mkdtemp(path.join(os.tmpdir(), "mix-egress-sandbox-"));
  await chmod(base, 0o711);
  const ports = [80, 443, publicStandIn.port, hostService.port].join(",");
  sandbox = testSandbox(
    base,
    { SANDBOX_EGRESS_PORTS: ports },
    {
      // Only the stand-in counts as public here; every other address gets the real rule.
      isAllowedAddress: (address, port) => (address === "127.0.0.1" && port === publicStandIn.port) || isPublicAddress(address),
    },
  );
});
afterAll(async () => {
  await sandbox.close();
  await Promise.all([publicStandIn.close(), hostService.close()]);
  await rm(base, { recursive: true, force: true });
});

function context(network: ToolContext["network"]): ToolContext {
  return { sessionDir: path.join(base, "session"), signal: new AbortController().signal, limits: { allowPrivateNetworks: false }, sandbox, network };
}

/** A raw HTTP request to the proxy the sandbox's HTTP_PROXY names, in bash alone (no client needed on the host). */
function viaProxy(requestLines: string[]): string {
  const request = `${requestLines.join("\\r\\n")}\\r\\n\\r\\n`;
  return `proxy=\${HTTP_PROXY#http://}; exec 3<>/dev/tcp/\${proxy%:*}/\${proxy##*:} && printf '${request}' >&3 && cat <&3`;
}

const run = async (command: string, network: ToolContext["network"] = "egress") => (await bashTool.run({ command, timeout: 15_000 }, context(network))).output;

it("reaches an allowed host with plain HTTP through the proxy", async () => {
  const target = `127.0.0.1:${publicStandIn.port}`;
  const output = await run(viaProxy([`GET http://${target}/from-sandbox HTTP/1.1`, `Host: ${target}`, "Connection: close"]));
  expect(output).toMatch(/^HTTP\/1\.1 201/);
  expect(output).toContain("hello from /from-sandbox");
  expect(publicStandIn.seen.at(-1)).toMatchObject({ method: "GET", url: "/from-sandbox" });
});

it("reaches an allowed host through a CONNECT tunnel", async () => {
  const target = `127.0.0.1:${publicStandIn.port}`;
  const tunnel = `printf 'CONNECT ${target} HTTP/1.1\\r\\nHost: ${target}\\r\\n\\r\\n' >&3 && head -c 39 <&3 && printf 'GET /tunnelled HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3`;
  const output = await run(`proxy=\${HTTP_PROXY#http://}; exec 3<>/dev/tcp/\${proxy%:*}/\${proxy##*:} && ${tunnel}`);
  expect(output).toMatch(/^HTTP\/1\.1 200 Connection Established/);
  expect(output).toContain("hello from /tunnelled");
});

it.each([
  ["another port on the worker's loopback (the API, Redis, Postgres)", () => `127.0.0.1:${hostService.port}`],
  ["localhost by name", () => `localhost:${hostService.port}`],
  ["a private address", () => "10.0.0.1:80"],
  ["the cloud metadata service", () => "169.254.169.254:80"],
  ["an IPv4-mapped IPv6 loopback", () => `[::ffff:127.0.0.1]:${hostService.port}`],
  ["an IPv4-compatible IPv6 loopback", () => `[::7f00:1]:${hostService.port}`],
])("refuses %s", async (_what, target) => {
  const before = hostService.seen.length;
  const plain = await run(viaProxy([`GET http://${target()}/ HTTP/1.1`, `Host: ${target()}`, "Connection: close"]));
  expect(plain).toMatch(/^HTTP\/1\.1 403/);
  expect(plain).toMatch(/egress refused/);
  const connect = await run(viaProxy([`CONNECT ${target()} HTTP/1.1`, `Host: ${target()}`]));
  expect(connect).toMatch(/^HTTP\/1\.1 403/);
  expect(hostService.seen.length).toBe(before);
});

it("refuses ports the deployment does not allow", async () => {
  const output = await run(viaProxy(["CONNECT 8.8.8.8:25 HTTP/1.1", "Host: 8.8.8.8:25"]));
  expect(output).toMatch(/^HTTP\/1\.1 403/);
  expect(output).toMatch(/port 25 is not allowed/);
});

it("sets the proxy variables only with egress, and without it there is no proxy to reach", async () => {
  expect(await run("echo $HTTPS_PROXY $NO_PROXY")).toBe("http://127.0.0.1:3128 localhost,127.0.0.1,::1");
  const none = await run('echo "proxy=[$HTTP_PROXY]"; exec 3<>/dev/tcp/127.0.0.1/3128', "none");
  expect(none).toMatch(/^proxy=\[\]\n.*Connection refused/s);
});
