/**
 * GET /api/sessions with `limit` and `cursor` (beyond the contract): the body stays a plain
 * SessionData[], the next page is announced in `Link` and `X-Next-Cursor`.
 */
import request from "supertest";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "sessions-pagination", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const prisma = () => stack.apis[0]!.api.infrastructure.prisma;
const list = (key: string, query = "") => request(url).get(`/api/sessions${query}`).set(bearer(key));
const ids = (body: { id: string }[]) => body.map((session) => session.id);

/** A fresh workspace with five sessions, two of them created in the same millisecond. */
async function workspaceWithFiveSessions(label: string): Promise<{ key: string; newestFirst: string[] }> {
  const { apiKey } = await stack.apis[0]!.api.services.apiKeys.createWorkspace(label);
  const created: string[] = [];
  for (let i = 0; i < 5; i++) created.push(await createSession(url, apiKey, { title: `session ${i}` }));
  const base = Date.UTC(2024, 0, 1);
  const times = [base, base + 1_000, base + 2_000, base + 2_000, base + 3_000];
  for (const [i, id] of created.entries()) await prisma().session.update({ where: { id }, data: { createdAt: new Date(times[i]!) } });
  const tied = [created[2]!, created[3]!].sort().reverse();
  return { key: apiKey, newestFirst: [created[4]!, ...tied, created[1]!, created[0]!] };
}

describe("GET /api/sessions?limit", () => {
  it("walks three pages of two, newest first, ties by id, with no duplicates or gaps", async () => {
    const { key, newestFirst } = await workspaceWithFiveSessions("pages");
    const seen: string[][] = [];
    let query = "?limit=2";
    for (let page = 0; page < 3; page++) {
      const response = await list(key, query).expect(200);
      seen.push(ids(response.body));
      if (page < 2) {
        const cursor = response.headers["x-next-cursor"] as string;
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(response.headers.link).toBe(`</api/sessions?limit=2&cursor=${cursor}>; rel="next"`);
        query = `?limit=2&cursor=${cursor}`;
      } else {
        expect(response.headers["x-next-cursor"]).toBeUndefined();
        expect(response.headers.link).toBeUndefined();
      }
    }
    expect(seen).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
  });

  it("follows the Link header as given, keeping includeSubagents", async () => {
    const { key, newestFirst } = await workspaceWithFiveSessions("link");
    const first = await list(key, "?includeSubagents=true&limit=3").expect(200);
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.link as string)![1]!;
    expect(next).toContain("includeSubagents=true");
    const second = await request(url).get(next).set(bearer(key)).expect(200);
    expect([...ids(first.body), ...ids(second.body)]).toEqual(newestFirst);
    expect(second.headers.link).toBeUndefined();
  });

  it("leaves the plain call unchanged: every session, a plain array, no paging headers", async () => {
    const { key, newestFirst } = await workspaceWithFiveSessions("plain");
    const response = await list(key).expect(200);
    expect(ids(response.body)).toEqual(newestFirst);
    expect(response.body[0]).toMatchObject({ id: newestFirst[0], title: "session 4", sessionType: "main" });
    expect(response.headers.link).toBeUndefined();
    expect(response.headers["x-next-cursor"]).toBeUndefined();
    // A limit that covers everything: same list, and no next page.
    const whole = await list(key, "?limit=200").expect(200);
    expect(ids(whole.body)).toEqual(newestFirst);
    expect(whole.headers.link).toBeUndefined();
  });

  it.each([
    ["?limit=0", /limit must be an integer from 1 to 200/],
    ["?limit=201", /limit must be an integer from 1 to 200/],
    ["?limit=-1", /limit must be an integer from 1 to 200/],
    ["?limit=two", /limit must be an integer from 1 to 200/],
    ["?limit=1&limit=2", /limit must be an integer from 1 to 200/],
    ["?limit=2&cursor=not%20base64", /cursor is not valid/],
    ["?limit=2&cursor=bm90IGpzb24", /cursor is not valid/],
    [`?limit=2&cursor=${Buffer.from('["not a date","x"]').toString("base64url")}`, /cursor is not valid/],
    [`?limit=2&cursor=${Buffer.from('{"a":1}').toString("base64url")}`, /cursor is not valid/],
  ])("answers 400 for %s", async (query, message) => {
    const response = await list(stack.key, query).expect(400);
    expect(response.body).toEqual({ error: { code: 400, type: "validation_error", reason: "validation_failed", message: expect.stringMatching(message) } });
  });

  it("never shows another workspace's sessions, on any page", async () => {
    const mine = await workspaceWithFiveSessions("mine");
    const theirs = await workspaceWithFiveSessions("theirs");
    const collected: string[] = [];
    let query = "?limit=2";
    for (;;) {
      const response = await list(mine.key, query).expect(200);
      collected.push(...ids(response.body));
      const cursor = response.headers["x-next-cursor"] as string | undefined;
      if (!cursor) break;
      expect(collected.length).toBeLessThan(10);
      query = `?limit=2&cursor=${cursor}`;
    }
    expect(collected).toEqual(mine.newestFirst);
    // Their cursor used with my key lists only my sessions older than it.
    const theirPage = await list(theirs.key, "?limit=1").expect(200);
    const foreign = await list(mine.key, `?limit=10&cursor=${theirPage.headers["x-next-cursor"] as string}`).expect(200);
    expect(ids(foreign.body).every((id) => mine.newestFirst.includes(id))).toBe(true);
  });
});
