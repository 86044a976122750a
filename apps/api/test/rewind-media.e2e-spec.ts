/**
 * Rewind's `cleanupMedia`: the session's files written after the kept message are deleted by
 * default and kept when asked. File times are set with utimes, so the timeline needs no sleeping.
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { upload } from "./helpers/file-fixtures";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";
import { seedConversation } from "./helpers/transcript-fixtures";

let stack: TestStack;
let url: string;
let storage: string;

beforeAll(async () => {
  storage = await mkdtemp(path.join(os.tmpdir(), "mix-rewind-media-"));
  stack = await startTestStack({ label: "rewind-media", workers: 0, env: { STORAGE_DIR: storage } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

const prisma = () => stack.apis[0]!.api.infrastructure.prisma;
const MINUTE_MS = 60_000;

/** A session of two turns, to be rewound to the first answer, with files on both sides of it. */
async function sessionWithFiles(): Promise<{ sessionId: string; keptId: string }> {
  const sessionId = await createSession(url, stack.key);
  const turns = await seedConversation(prisma(), sessionId, 2);
  const keptId = turns[0]!.assistantId!;
  const { createdAt } = await prisma().message.findUniqueOrThrow({ where: { id: keptId } });
  const before = new Date(createdAt.getTime() - MINUTE_MS);
  const after = new Date(createdAt.getTime() + MINUTE_MS);

  const files: [string, Date][] = [
    ["early.txt", before],
    ["late.txt", after],
    ["work/early.md", before],
    ["work/deep/late.md", after],
    [".mix/late-state.json", after],
  ];
  const dir = path.join(storage, sessionId);
  for (const [name, time] of files) {
    if (name.includes("/")) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), name);
    } else {
      await upload(url, stack.key, sessionId, name, Buffer.from(name)).expect(201);
    }
    await utimes(path.join(dir, name), time, time);
  }
  return { sessionId, keptId };
}

async function filesOf(sessionId: string): Promise<string[]> {
  const names: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else names.push(prefix + entry.name);
    }
  };
  await walk(path.join(storage, sessionId), "");
  return names.sort();
}

const rewind = (sessionId: string, body: object) => request(url).post(`/api/sessions/${sessionId}/rewind`).set(bearer(stack.key)).send(body).expect(200);

describe("POST /api/sessions/{id}/rewind with files", () => {
  it("deletes the files written after the kept message by default, top-level and nested", async () => {
    const { sessionId, keptId } = await sessionWithFiles();
    await rewind(sessionId, { messageId: keptId });
    expect(await filesOf(sessionId)).toEqual([".mix/late-state.json", "early.txt", "work/early.md"]);
    const listed = await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200);
    expect(listed.body.map((file: { name: string }) => file.name)).toEqual([".mix", "early.txt", "work"]);
  });

  it("keeps every file with cleanupMedia: false", async () => {
    const { sessionId, keptId } = await sessionWithFiles();
    await rewind(sessionId, { messageId: keptId, cleanupMedia: false });
    expect(await filesOf(sessionId)).toEqual([".mix/late-state.json", "early.txt", "late.txt", "work/deep/late.md", "work/early.md"]);
  });

  it("deletes no file when the rewind is refused", async () => {
    const { sessionId } = await sessionWithFiles();
    await request(url).post(`/api/sessions/${sessionId}/rewind`).set(bearer(stack.key)).send({ messageId: "missing" }).expect(404);
    const foreign = await request(url).post(`/api/sessions/${sessionId}/rewind`).set(bearer(stack.otherKey)).send({ messageId: "missing" });
    expect(foreign.status).toBe(404);
    expect(await filesOf(sessionId)).toHaveLength(5);
  });

  it("rewinds a session that has no files at all", async () => {
    const sessionId = await createSession(url, stack.key);
    const turns = await seedConversation(prisma(), sessionId, 2);
    const response = await rewind(sessionId, { messageId: turns[0]!.userId });
    expect(response.body).toMatchObject({ id: sessionId, userMessageCount: 1, assistantMessageCount: 0 });
  });
});
