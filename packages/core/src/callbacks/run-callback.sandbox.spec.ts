/**
 * bash_script callbacks run without a permission prompt, on any API key holder's say-so: they get
 * the same sandbox as the Bash tool, so they reach no more of the worker than the agent does.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { runCallback } from "./run-callback";
import type { CallbackEffects } from "./callback-invocation";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let fixture: SessionDirFixture;
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => socket.end("host service\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(async () => {
  fixture = await makeSessionDir();
  await mkdir(path.join(fixture.base, "other-session"));
  await writeFile(path.join(fixture.base, "other-session", "private.txt"), "other workspace's data");
});
afterEach(() => fixture.cleanup());

const noEffects: CallbackEffects = {
  runSubAgent: () => Promise.reject(new Error("not used")),
  sendMessage: () => Promise.reject(new Error("not used")),
};

async function callback(command: string) {
  const { context } = fixture;
  const { result } = await runCallback(
    { type: "bash_script", toolName: "*", bashCommand: command },
    {
      sessionId: "session",
      sessionDir: context.sessionDir,
      sandbox: context.sandbox,
      network: "none",
      toolName: "Write",
      toolCallId: "call_1",
      toolResult: "ok",
      signal: context.signal,
      defaultTimeoutMs: 10_000,
    },
    noEffects,
  );
  return result;
}

it("cannot read the worker's environment", async () => {
  process.env.MIX_CALLBACK_SECRET = "callback-must-not-see";
  try {
    const result = await callback("cat /proc/$PPID/environ /proc/1/environ; env");
    expect(JSON.stringify(result)).not.toContain("callback-must-not-see");
  } finally {
    delete process.env.MIX_CALLBACK_SECRET;
  }
});

it("cannot see other sessions or the storage root", async () => {
  const result = await callback(`cat ../other-session/private.txt; ls ${fixture.base}`);
  expect(result).toMatchObject({ success: false, stderr: expect.stringMatching(/No such file or directory[\s\S]*No such file or directory/) });
  expect(JSON.stringify(result)).not.toContain("other workspace's data");
});

it("cannot connect to services on the worker's loopback", async () => {
  const result = await callback(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`);
  expect(result).toMatchObject({ success: false, stderr: expect.stringMatching(/Connection refused/) });
  expect(JSON.stringify(result)).not.toContain("host service");
});

it("names the limit a callback ran into", async () => {
  // SANDBOX_MEMORY_MB is 2048 by default: far below 8 GB.
  const result = await callback("python3 -c 'bytearray(8 * 1024 ** 3)'");
  expect(result).toMatchObject({ success: false, error: expect.stringMatching(/memory limit of 2048 MB per process \(SANDBOX_MEMORY_MB\)/) });
});
