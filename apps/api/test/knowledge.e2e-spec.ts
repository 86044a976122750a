/**
 * Knowledge sources end to end: documents added from text, uploads (markdown, HTML, PDF), a
 * session's file and a URL (a local page server; the stack allows private addresses as
 * FETCH_ALLOW_PRIVATE_NETWORKS does for web_fetch), indexed with Postgres full-text search and
 * kept to their workspace; bad documents and quotas answered with 4xx in the error shape.
 */
import request from "supertest";
import { upload } from "./helpers/file-fixtures";
import { pdfWith, startPageServer, type Page } from "./helpers/knowledge-fixtures";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let pages: Awaited<ReturnType<typeof startPageServer>>;
const served: Record<string, Page> = {
  "/guide.html": {
    type: "text/html; charset=utf-8",
    body: "<html><head><title>x</title><script>var zorblaxTracker = 1;</script></head><body><h1>Warranty</h1><p>The Quasar kettle carries a warranty of seven years.</p></body></html>",
  },
  "/notes.md": { type: "text/markdown", body: "# Notes\n\nThe flux capacitor needs 1.21 gigawatts." },
  "/image.png": { type: "image/png", body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) },
  "/gone": { type: "text/plain", body: "gone", status: 500 },
};

const MAX_DOCUMENT_BYTES = 64 * 1024;

beforeAll(async () => {
  pages = await startPageServer(served);
  stack = await startTestStack({
    label: "knowledge",
    // One worker: a PDF's text comes from pdftotext in its sandbox, as a parser job.
    workers: 1,
    env: {
      FETCH_ALLOW_PRIVATE_NETWORKS: "true",
      KNOWLEDGE_MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES),
      KNOWLEDGE_MAX_DOCUMENTS: "6",
      KNOWLEDGE_MAX_TOTAL_BYTES: String(150 * 1024),
      KNOWLEDGE_CHUNK_CHARS: "400",
      KNOWLEDGE_CHUNK_OVERLAP: "60",
    },
  });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await pages?.close();
});

const freshKey = async () => (await stack.apis[0]!.api.services.apiKeys.createWorkspace("knowledge-test")).apiKey;
const addText = (key: string, body: Record<string, unknown>) => request(url).post("/api/knowledge/documents").set(bearer(key)).send(body);
const uploadDocument = (key: string, name: string, bytes: Buffer) =>
  request(url).post("/api/knowledge/documents/upload").set(bearer(key)).attach("file", bytes, name);
const search = async (key: string, q: string) =>
  (await request(url).get("/api/knowledge/search").query({ q }).set(bearer(key)).expect(200)).body.results as Array<Record<string, unknown>>;
const error = (code: number, reason: string, message: string | RegExp) => ({
  error: expect.objectContaining({ code, reason, message: typeof message === "string" ? message : expect.stringMatching(message) }),
});

describe("adding, searching, re-indexing and deleting", () => {
  it("chunks a long text on paragraph boundaries and finds the planted passage, never another workspace's", async () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} is about office plants, coffee and the weekly standup of the team.`);
    paragraphs.splice(7, 0, "Zorblax refunds are paid within 45 days of the return.");
    const added = await addText(stack.key, { title: "Handbook", text: paragraphs.join("\n\n"), format: "markdown" }).expect(201);
    expect(added.body).toMatchObject({ title: "Handbook", format: "markdown", origin: "text", source: null, chunkCount: expect.any(Number) });
    expect(added.body.chunkCount).toBeGreaterThan(2);
    await addText(stack.otherKey, { title: "Other handbook", text: "Zorblax refunds are paid within 99 days." }).expect(201);

    const results = await search(stack.key, "How long do Zorblax refunds take?");
    expect(results[0]).toMatchObject({ documentId: added.body.id, title: "Handbook", content: expect.stringContaining("45 days") });
    expect(results.every((hit) => hit.documentId === added.body.id)).toBe(true);
    expect(JSON.stringify(results)).not.toContain("99 days");
    const theirs = await search(stack.otherKey, "Zorblax refunds");
    expect(theirs.map((hit) => hit.content)).toEqual(["Zorblax refunds are paid within 99 days."]);
    // A word no chunk holds matches nothing, in either search mode.
    expect(await search(stack.key, "nonexistentword")).toEqual([]);

    const got = await request(url).get(`/api/knowledge/documents/${added.body.id}`).set(bearer(stack.key)).expect(200);
    expect(got.body.text).toContain("Zorblax refunds are paid within 45 days");
    const listed = await request(url).get("/api/knowledge/documents").set(bearer(stack.key)).expect(200);
    expect(listed.body.documents.map((document: { id: string }) => document.id)).toEqual([added.body.id]);
    expect(listed.body.usage).toMatchObject({ documents: 1, maxDocuments: 6, maxDocumentBytes: MAX_DOCUMENT_BYTES });
  });

  it("answers 404 for another workspace's document on every route", async () => {
    const mine = (await addText(stack.key, { title: "Private", text: "Secret launch date is Tuesday." }).expect(201)).body.id as string;
    const notFound = error(404, "not_found", "Knowledge document not found");
    expect((await request(url).get(`/api/knowledge/documents/${mine}`).set(bearer(stack.otherKey)).expect(404)).body).toEqual(notFound);
    expect((await request(url).post(`/api/knowledge/documents/${mine}/reindex`).set(bearer(stack.otherKey)).expect(404)).body).toEqual(notFound);
    expect((await request(url).delete(`/api/knowledge/documents/${mine}`).set(bearer(stack.otherKey)).expect(404)).body).toEqual(notFound);
    // Still there for its own workspace, then gone with its chunks.
    expect(await search(stack.key, "launch date")).toHaveLength(1);
    await request(url).delete(`/api/knowledge/documents/${mine}`).set(bearer(stack.key)).expect(204);
    await request(url).get(`/api/knowledge/documents/${mine}`).set(bearer(stack.key)).expect(404);
    expect(await search(stack.key, "launch date")).toEqual([]);
  });

  it("fetches a URL as web_fetch reads pages, and fetches it again on re-index", async () => {
    const key = await freshKey();
    const added = await addText(key, { url: `${pages.url}/guide.html` }).expect(201);
    expect(added.body).toMatchObject({ title: "guide.html", format: "html", origin: "url", source: `${pages.url}/guide.html` });
    const text = (await request(url).get(`/api/knowledge/documents/${added.body.id}`).set(bearer(key)).expect(200)).body.text as string;
    expect(text).toContain("warranty of seven years");
    // Scripts are no text: nothing of them is indexed.
    expect(text).not.toContain("zorblaxTracker");

    served["/guide.html"] = { type: "text/html", body: "<p>The Quasar kettle now carries a warranty of ten years.</p>" };
    const reindexed = await request(url).post(`/api/knowledge/documents/${added.body.id}/reindex`).set(bearer(key)).expect(200);
    expect(reindexed.body.indexedAt >= added.body.indexedAt).toBe(true);
    expect((await search(key, "Quasar warranty")).map((hit) => hit.content)).toEqual(["The Quasar kettle now carries a warranty of ten years."]);
    expect(pages.hits.get("/guide.html")).toBe(2);

    expect((await addText(key, { url: `${pages.url}/notes.md`, title: "Notes" }).expect(201)).body).toMatchObject({ format: "markdown", title: "Notes" });
    expect((await addText(key, { url: `${pages.url}/image.png` }).expect(415)).body).toEqual(error(415, "unsupported_media_type", /image\/png/));
    expect((await addText(key, { url: `${pages.url}/gone` }).expect(400)).body).toEqual(error(400, "upstream_failed", /HTTP 500/));
    expect((await addText(key, { url: "ftp://example.com/x" }).expect(400)).body).toEqual(error(400, "invalid_request", /Only http and https/));
  });

  it("adds a file of one of the workspace's sessions, and no other workspace's", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "pricing.md", Buffer.from("# Pricing\n\nThe Nebula plan costs 42 euros a month.")).expect(201);
    const added = await addText(stack.key, { sessionId, path: "pricing.md" }).expect(201);
    expect(added.body).toMatchObject({ title: "pricing.md", origin: "session_file", source: `${sessionId}/pricing.md`, format: "markdown" });
    expect((await search(stack.key, "Nebula plan")).map((hit) => hit.documentId)).toEqual([added.body.id]);
    expect((await addText(stack.otherKey, { sessionId, path: "pricing.md" }).expect(404)).body).toEqual(error(404, "not_found", "Session not found"));
    expect((await addText(stack.key, { sessionId, path: "missing.md" }).expect(404)).body).toEqual(error(404, "not_found", "File not found"));
    await request(url).delete(`/api/knowledge/documents/${added.body.id}`).set(bearer(stack.key)).expect(204);
  });
});

describe("uploads and bad documents", () => {
  it("reads markdown, HTML and PDF uploads", async () => {
    const key = await freshKey();
    const md = await uploadDocument(key, "faq.md", Buffer.from("# FAQ\n\nOur support line opens at nine.")).expect(201);
    expect(md.body).toMatchObject({ title: "faq.md", format: "markdown", origin: "upload", source: "faq.md" });
    const html = await uploadDocument(key, "about.html", Buffer.from("<p>Founded in <b>1999</b> in Lyon.</p>")).expect(201);
    expect(html.body.format).toBe("html");
    const pdf = await uploadDocument(key, "manual.pdf", pdfWith("The Orion drone flies for 38 minutes")).expect(201);
    expect(pdf.body).toMatchObject({ format: "pdf", chunkCount: 1 });
    expect((await search(key, "Orion drone minutes"))[0]).toMatchObject({ documentId: pdf.body.id, content: expect.stringContaining("38 minutes") });
    expect((await search(key, "founded Lyon"))[0]).toMatchObject({ documentId: html.body.id, content: "Founded in 1999 in Lyon." });
  });

  it("refuses empty, binary, unsupported, malformed and oversized documents with a 4xx, keeping nothing", async () => {
    const key = await freshKey();
    expect((await uploadDocument(key, "empty.txt", Buffer.alloc(0)).expect(400)).body).toEqual(error(400, "validation_failed", "The document is empty"));
    expect((await uploadDocument(key, "blank.md", Buffer.from("  \n\n  ")).expect(400)).body).toEqual(
      error(400, "validation_failed", "The document holds no text"),
    );
    expect((await uploadDocument(key, "nul.txt", Buffer.from("text\u0000more")).expect(400)).body).toEqual(error(400, "validation_failed", /NUL bytes/));
    expect((await uploadDocument(key, "latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9])).expect(400)).body).toEqual(
      error(400, "validation_failed", /not valid UTF-8/),
    );
    expect((await uploadDocument(key, "tool.exe", Buffer.from("MZ...")).expect(415)).body).toEqual(
      error(415, "unsupported_media_type", /'tool\.exe'.*not supported/),
    );
    expect((await uploadDocument(key, "fake.pdf", Buffer.from("not a pdf at all")).expect(400)).body).toEqual(error(400, "validation_failed", /not a PDF/));
    const broken = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from("garbage ".repeat(40))]);
    expect((await uploadDocument(key, "broken.pdf", broken).expect(400)).body).toEqual(error(400, "validation_failed", /The PDF could not be read/));
    const huge = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, "a");
    expect((await uploadDocument(key, "huge.txt", huge).expect(413)).body).toEqual(error(413, "too_large", /larger than 65536 bytes/));
    expect((await addText(key, { text: "x".repeat(MAX_DOCUMENT_BYTES + 1) }).expect(413)).body).toEqual(error(413, "too_large", /takes 65537 bytes/));
    expect((await addText(key, { text: "a\u0000b" }).expect(400)).body.error.message).toMatch(/text: must not contain NUL bytes/);
    expect((await addText(key, { text: "x", url: "http://example.com" }).expect(400)).body.error.message).toMatch(/exactly one of text, url/);
    expect((await addText(key, {}).expect(400)).body.error.message).toMatch(/exactly one of text, url/);
    expect((await request(url).get("/api/knowledge/documents").set(bearer(key)).expect(200)).body.documents).toEqual([]);
  });
});

describe("quotas and roles", () => {
  it("refuses a document past the workspace's count or total size with 403 quota_exceeded", async () => {
    const key = await freshKey();
    for (let i = 0; i < 6; i++) await addText(key, { text: `Note number ${i}` }).expect(201);
    expect((await addText(key, { text: "one too many" }).expect(403)).body).toEqual(error(403, "quota_exceeded", /at most 6 documents/));

    const big = await freshKey();
    await addText(big, { text: "b".repeat(60 * 1024) }).expect(201);
    await addText(big, { text: "c".repeat(60 * 1024) }).expect(201);
    expect((await addText(big, { text: "d".repeat(60 * 1024) }).expect(403)).body).toEqual(
      error(403, "quota_exceeded", /may take at most 153600 bytes together/),
    );
    const usage = (await request(url).get("/api/knowledge/documents").set(bearer(big)).expect(200)).body.usage;
    expect(usage).toEqual({ documents: 2, bytes: 120 * 1024, maxDocuments: 6, maxBytes: 150 * 1024, maxDocumentBytes: MAX_DOCUMENT_BYTES });
  });

  it("lets any key read and search, only admins change, and audits every change", async () => {
    const services = stack.apis[0]!.api.services;
    const principal = (await services.apiKeys.authenticate(stack.key))!;
    const member = await services.keysAdmin.create(
      principal.workspaceId,
      { actor: { apiKeyId: null, memberId: null, address: null }, role: "owner" },
      { name: "member", role: "member" },
    );
    const reader = await services.keysAdmin.create(
      principal.workspaceId,
      { actor: { apiKeyId: null, memberId: null, address: null }, role: "owner" },
      { name: "reader", role: "read_only" },
    );
    expect((await addText(member.secret, { text: "by a member" }).expect(403)).body.error.reason).toBe("forbidden");
    await request(url).get("/api/knowledge/documents").set(bearer(reader.secret)).expect(200);
    await request(url).get("/api/knowledge/search").query({ q: "Zorblax" }).set(bearer(reader.secret)).expect(200);

    const added = (await addText(stack.key, { title: "Audited", text: "Audited text" }).expect(201)).body.id as string;
    await request(url).delete(`/api/knowledge/documents/${added}`).set(bearer(stack.key)).expect(204);
    const audit = await request(url)
      .get("/api/workspace/audit")
      .query({ action: "knowledge.document_added,knowledge.document_deleted" })
      .set(bearer(stack.key))
      .expect(200);
    const forDocument = audit.body.filter((entry: { target: { id: string } | null }) => entry.target?.id === added);
    expect(forDocument.map((entry: { action: string }) => entry.action)).toEqual(["knowledge.document_deleted", "knowledge.document_added"]);
    expect(forDocument[1].details).toMatchObject({ title: "Audited", origin: "text", bytes: 12, chunks: 1 });
  });

  it("validates the search query", async () => {
    expect((await request(url).get("/api/knowledge/search").set(bearer(stack.key)).expect(400)).body.error.message).toMatch(/q/);
    await request(url).get("/api/knowledge/search").query({ q: "x", limit: 99 }).set(bearer(stack.key)).expect(400);
  });
});
