/**
 * The API never runs a parser of an uploaded file itself: pdftotext and ffmpeg are jobs a worker
 * runs in its sandbox. With no worker, a PDF answers 503 in the error shape once the job has
 * waited PARSE_QUEUE_WAIT_MS, stores nothing and leaves no scratch folder; text needs no parser.
 * Once a worker runs, the same PDF is read, and its scratch folder is gone again.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import request from "supertest";
import { createStorageDir } from "@mix/testing";
import { pdfWith } from "./helpers/knowledge-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let storage: string;

beforeAll(async () => {
  storage = await createStorageDir("parsing");
  stack = await startTestStack({ label: "file-parsing", workers: 0, env: { STORAGE_DIR: storage, PARSE_QUEUE_WAIT_MS: "300" } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

const uploadPdf = (text: string) => request(url).post("/api/knowledge/documents/upload").set(bearer(stack.key)).attach("file", pdfWith(text), "manual.pdf");
const documents = async () => (await request(url).get("/api/knowledge/documents").set(bearer(stack.key)).expect(200)).body;
const scratchFolders = () => readdir(path.join(storage, ".parsing")).catch(() => []);

it("answers 503 for a PDF while no worker runs, keeping nothing, and reads it once one does", async () => {
  const refused = await uploadPdf("The Orion drone flies for 38 minutes").expect(503);
  expect(refused.body.error).toMatchObject({ code: 503, reason: "unavailable", message: expect.stringMatching(/no worker took the file within \d+ s/) });
  expect(await documents()).toMatchObject({ documents: [] });
  expect(await scratchFolders()).toEqual([]);

  // Text needs no parser: it is added without a worker.
  await request(url).post("/api/knowledge/documents").set(bearer(stack.key)).send({ title: "Plain", text: "No parser needed." }).expect(201);

  await stack.startWorker();
  const added = await uploadPdf("The Orion drone flies for 38 minutes").expect(201);
  expect(added.body).toMatchObject({ format: "pdf", chunkCount: 1 });
  expect(await scratchFolders()).toEqual([]);
});
