/**
 * `pnpm mix`, as an admin runs it: the built command line (`node dist/cli/mix.js`) against the
 * test stack's Postgres and Redis, while an API instance serves the keys it makes. Exit codes:
 * 0 done, 1 the command failed, 2 a usage mistake.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { waitFor } from "@mix/testing";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const MIX = join(__dirname, "..", "dist", "cli", "mix.js");

let stack: TestStack;
let url: string;

beforeAll(async () => {
  if (!existsSync(MIX)) throw new Error("the CLI is not built: run `pnpm --filter @mix/api build` first");
  stack = await startTestStack({ label: "cli", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

function mix(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MIX, ...args], { env: { PATH: process.env.PATH ?? "", ...stack.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr, lines: stdout.trim().split("\n") }));
  });
}

const prisma = () => stack.apis[0]!.api.infrastructure.prisma;
const lastLine = (run: Run) => run.lines[run.lines.length - 1]!;

it("lists its commands, and answers an unknown command or option with exit 2 and the usage", async () => {
  const help = await mix("help");
  expect(help.code).toBe(0);
  for (const command of ["workspace create", "member add", "member list", "member role", "member remove", "key create", "key list", "key revoke"])
    expect(help.stdout).toContain(command);
  const unknown = await mix("key", "frobnicate");
  expect(unknown).toMatchObject({ code: 2, stdout: "" });
  expect(unknown.stderr).toContain('unknown command "key frobnicate"');
  const badOption = await mix("key", "list", "--workspace", "w", "--colour");
  expect(badOption.code).toBe(2);
  expect(badOption.stderr).toMatch(/--colour[\s\S]*Usage: pnpm mix key list/);
  const missing = await mix("key", "list");
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("--workspace is required");
});

it("creates a workspace and prints its owner key once, which the API accepts as an owner", async () => {
  const run = await mix("workspace", "create", "Acme Corp", "--owner-name", "Grace", "--owner-email", "grace@example.com");
  expect(run).toMatchObject({ code: 0, stderr: "" });
  const key = lastLine(run);
  expect(key).toMatch(/^mix_/);
  const workspace = (await request(url).get("/api/workspace").set(bearer(key)).expect(200)).body as {
    id: string;
    name: string;
    role: string;
    memberId: string;
  };
  expect(workspace).toMatchObject({ name: "Acme Corp", role: "owner", memberId: expect.any(String) });
  expect(run.stdout).toContain(workspace.id);
  const entries = await prisma().auditEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
  expect(entries.map((entry) => [entry.action, entry.actorKeyId, (entry.details as { via?: string }).via])).toEqual([
    ["member.added", null, "cli"],
    ["key.created", null, "cli"],
  ]);
});

it("adds a member, hands it a read-only key, lists and revokes it: the API refuses it at once", async () => {
  const created = await mix("workspace", "create", "Keys Inc");
  const ownerKey = lastLine(created);
  const workspaceId = ((await request(url).get("/api/workspace").set(bearer(ownerKey)).expect(200)).body as { id: string }).id;

  const added = await mix("member", "add", "--workspace", workspaceId, "--name", "Alan", "--email", "ALAN@example.com", "--role", "member");
  expect(added.code).toBe(0);
  const memberId = added.stdout.split("\t")[0]!;
  expect(added.stdout).toContain("alan@example.com");

  const keyRun = await mix(
    "key",
    "create",
    "--workspace",
    workspaceId,
    "--role",
    "read_only",
    "--member",
    memberId,
    "--name",
    "laptop",
    "--expires",
    "2999-01-01",
  );
  expect(keyRun).toMatchObject({ code: 0, stderr: "" });
  const readOnly = lastLine(keyRun);
  await request(url).get("/api/sessions").set(bearer(readOnly)).expect(200);
  expect((await request(url).post("/api/sessions").set(bearer(readOnly)).send({ title: "no" })).status).toBe(403);

  const listed = await mix("key", "list", "--workspace", workspaceId, "--json");
  expect(listed.code).toBe(0);
  const keys = JSON.parse(listed.stdout) as { id: string; name: string; role: string; status: string; member: { id: string } | null }[];
  expect(keys.map((key) => [key.name, key.role, key.status, key.member?.id ?? null])).toEqual([
    ["owner", "owner", "active", null],
    ["laptop", "read_only", "active", memberId],
  ]);
  expect(listed.stdout).not.toContain(readOnly);
  const table = await mix("key", "list", "--workspace", workspaceId);
  expect(table.lines[0]).toBe("id\tprefix\tname\trole\tstatus\tmember\tcreated\tlast used\texpires");

  const laptop = keys.find((key) => key.name === "laptop")!;
  const revoked = await mix("key", "revoke", laptop.id, "--workspace", workspaceId);
  expect(revoked).toMatchObject({ code: 0 });
  expect(revoked.stdout).toContain("revoked");
  // The API had the key cached: the command line's announcement reached it.
  await waitFor(async () => (await request(url).get("/api/sessions").set(bearer(readOnly))).status === 401, {
    timeoutMs: 1_000,
    intervalMs: 10,
    what: "a 401",
  });
  const entry = await prisma().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "key.revoked" } });
  expect(entry).toMatchObject({ actorKeyId: null, target: { type: "api_key", id: laptop.id }, details: expect.objectContaining({ via: "cli" }) });

  const role = await mix("member", "role", memberId, "--workspace", workspaceId, "--role", "read_only");
  expect(role.code).toBe(0);
  expect(role.stdout).toContain("read_only");
  const members = await mix("member", "list", "--workspace", workspaceId, "--json");
  expect(JSON.parse(members.stdout)).toEqual([expect.objectContaining({ id: memberId, role: "read_only", removedAt: null })]);
  expect((await mix("member", "remove", memberId, "--workspace", workspaceId)).code).toBe(0);
  expect(JSON.parse((await mix("member", "list", "--workspace", workspaceId, "--json")).stdout)).toEqual([]);
});

it("fails with exit 1 and the reason for bad input and unknown ids", async () => {
  const workspaceId = (
    (
      await request(url)
        .get("/api/workspace")
        .set(bearer(lastLine(await mix("workspace", "create", "Errors Ltd"))))
        .expect(200)
    ).body as { id: string }
  ).id;
  const cases: [string[], RegExp][] = [
    [["key", "list", "--workspace", "no-such-workspace"], /Workspace not found/],
    [["key", "create", "--workspace", workspaceId, "--role", "boss", "--service", "ci"], /role must be one of/],
    [["key", "create", "--workspace", workspaceId, "--role", "member", "--service", "ci", "--expires", "2001-01-01"], /in the future/],
    [["key", "create", "--workspace", workspaceId, "--role", "member", "--member", "no-such-member"], /Member not found/],
    [["key", "revoke", "no-such-key", "--workspace", workspaceId], /API key not found/],
    [["member", "add", "--workspace", workspaceId, "--name", "X", "--email", "not-an-email"], /email must be an email address/],
    [["member", "remove", "no-such-member", "--workspace", workspaceId], /Member not found/],
    [["workspace", "create", "x".repeat(201)], /at most 200/],
  ];
  for (const [args, message] of cases) {
    const run = await mix(...args);
    expect({ args: args.slice(0, 2), code: run.code }).toEqual({ args: args.slice(0, 2), code: 1 });
    expect(run.stderr).toMatch(message);
  }
  const both = await mix("key", "create", "--workspace", workspaceId, "--role", "member", "--member", "m", "--service", "ci");
  expect(both.code).toBe(2);
  expect(both.stderr).toContain("not both");
});
