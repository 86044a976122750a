/**
 * What a session's command cannot reach from inside the bubblewrap sandbox, tried from the Bash
 * tool the way an agent (or a prompt injected into it) would: the worker's secrets, other
 * sessions, the storage root, the server's files and its loopback services.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { bashTool } from "../../tools/bash";
import { makeSessionDir, type SessionDirFixture } from "../../../test/helpers/session-dir";

let fixture: SessionDirFixture;
let loopbackServer: Server;
let loopbackPort: number;

beforeAll(async () => {
  // A service on the worker's loopback, standing in for Postgres, Redis or the API.
  loopbackServer = createServer((socket) => socket.end("hello from the host\n"));
  await new Promise<void>((resolve) => loopbackServer.listen(0, "127.0.0.1", resolve));
  loopbackPort = (loopbackServer.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => loopbackServer.close(resolve)));

beforeEach(async () => {
  fixture = await makeSessionDir();
  // Another session of the same storage root, with a file the agent must never see.
  await mkdir(path.join(fixture.base, "other-session"));
  await writeFile(path.join(fixture.base, "other-session", "private.txt"), "other workspace's data");
});
afterEach(() => fixture.cleanup());

const run = (command: string, timeout?: number) => bashTool.run({ command, timeout }, fixture.context);

describe("the worker's secrets", () => {
  it("are in no environment the command can read: its own, its parent's, or any process's", async () => {
    process.env.MIX_SANDBOX_TEST_SECRET = "worker-secret-value";
    try {
      const result = await run('env; cat /proc/$PPID/environ; for f in /proc/[0-9]*/environ; do cat "$f"; done; true');
      expect(result.isError).toBe(false);
      expect(result.output).not.toContain("worker-secret-value");
      expect(result.output).not.toContain("DATABASE_URL");
    } finally {
      delete process.env.MIX_SANDBOX_TEST_SECRET;
    }
  });

  it("leaves the environment built from scratch: nothing but the sandbox's own variables", async () => {
    const result = await run("env | cut -d= -f1 | sort");
    expect(result.output.split("\n")).toEqual(["HOME", "LANG", "PATH", "PWD", "SHLVL", "TERM", "TMPDIR", "_"]);
  });

  it("shows only the sandbox's own processes in /proc, never the worker", async () => {
    const result = await run("ls /proc | grep -E '^[0-9]+$' | wc -l; test -e /proc/" + process.pid + "/cmdline && echo worker-visible; true");
    expect(Number(result.output.split("\n")[0])).toBeLessThan(10);
    expect(result.output).not.toContain("worker-visible");
  });
});

describe("the file system", () => {
  it("has the session folder at /workspace as the working folder, and the parent folders empty of sessions", async () => {
    const result = await run("pwd; ls -a ..; ls -a /");
    expect(result.output.split("\n")[0]).toBe("/workspace");
    expect(result.output).not.toContain("other-session");
    expect(result.output).not.toContain("outside.txt");
  });

  it.each([
    ["another session's file, by relative path", "cat ../other-session/private.txt"],
    ["the storage root, by its host path", `ls ${"BASE"}`],
    ["a file beside the session folder, by its host path", `cat ${"BASE"}/outside.txt`],
    ["the server's own code", `cat ${path.resolve(__dirname, "../../../package.json")}`],
    ["/etc/shadow", "cat /etc/shadow"],
    ["root's home", "ls /root"],
  ])("cannot read %s", async (_what, command) => {
    const result = await run(command.replaceAll("BASE", fixture.base));
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/No such file or directory|Permission denied/);
    expect(result.output).not.toContain("other workspace's data");
    expect(result.output).not.toContain("secret outside the session");
  });

  it("keeps the system folders read-only and /tmp private to one command", async () => {
    const result = await run("touch /usr/planted 2>&1; touch /etc/planted 2>&1; touch /planted 2>&1; echo kept > /tmp/note; cat /tmp/note");
    expect(result.output.match(/Read-only file system/g)).toHaveLength(3);
    expect(result.output).toContain("kept");
    expect((await run("cat /tmp/note")).output).toMatch(/No such file/);
  });

  it("cannot hard-link a file from outside the session folder", async () => {
    const result = await run("ln /etc/passwd stolen");
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/Invalid cross-device link|Operation not permitted/);
  });

  it("cannot create nested user namespaces, the usual way into kernel bugs", async () => {
    const result = await run("unshare --user --map-root-user true");
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/unshare failed|Operation not permitted|No space left on device/);
  });

  it("writes its files as the unprivileged sandbox user, never as the worker's root", async () => {
    await run("echo mine > made-in-sandbox.txt");
    const info = await stat(path.join(fixture.context.sessionDir, "made-in-sandbox.txt"));
    expect(info.uid).not.toBe(0);
    if (process.getuid?.() === 0) expect(info.uid).toBe(fixture.context.sandbox.fileOwner?.uid);
    expect(await readFile(path.join(fixture.context.sessionDir, "made-in-sandbox.txt"), "utf8")).toBe("mine\n");
  });
});

describe("the network", () => {
  it("reaches nothing on the worker's loopback: no Postgres, no Redis, no API", async () => {
    for (const port of [5432, 6379, loopbackPort]) {
      const result = await run(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`);
      expect(result.isError).toBe(true);
      expect(result.output).toMatch(/Connection refused|Network is unreachable/);
      expect(result.output).not.toContain("hello from the host");
    }
  });

  it("has no route to any other address either", async () => {
    const result = await run("exec 3<>/dev/tcp/10.0.0.1/80");
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/Network is unreachable/);
  });
});
