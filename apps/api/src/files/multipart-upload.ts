/**
 * Reads the one `file` part of a multipart/form-data request and hands it on as a stream,
 * so a 32 MB upload goes to disk in chunks instead of into memory (busboy, the parser under multer).
 */
import { PassThrough, type Readable } from "node:stream";
import busboy from "busboy";
import { badRequest } from "@mix/core";
import type { Request } from "express";

export const UPLOAD_FIELD = "file";

const malformed = (error: Error) => badRequest(`Malformed multipart body: ${error.message}`);

/**
 * Runs `store` on the file part and answers what it returns. The body `store` reads ends only
 * once the whole request has been parsed, so a request that turns out truncated or malformed
 * after the file part still fails `store` (which then keeps nothing). On any failure (a broken
 * body, a client that goes away, `store` refusing the file) the body is destroyed, and the
 * promise rejects only once `store` has settled, so its staged file is gone before the answer.
 */
export function receiveFile<T>(request: Request, store: (clientName: string, body: Readable) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // utf8: browsers send non-ASCII file names as raw UTF-8 in the header.
      parser = busboy({ headers: request.headers, defParamCharset: "utf8", limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    } catch (error) {
      request.resume();
      reject(badRequest(`Expected a multipart/form-data body: ${(error as Error).message}`, "unsupported_media_type"));
      return;
    }
    let body: PassThrough | undefined;
    let stored: Promise<T> | undefined;
    let done = false;

    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      request.unpipe(parser);
      // Destroyed without an error, so no 'error' event can go unheard: the store's read ends
      // with a premature close, and the store removes what it staged.
      body?.destroy();
      // Read the rest of the body so the client sees our answer instead of a reset connection.
      if (!request.destroyed) request.resume();
      const rejectWithCause = () => reject(error);
      (stored ?? Promise.resolve()).then(rejectWithCause, rejectWithCause);
    };

    parser.on("file", (field, file, info) => {
      // Every part stream gets an error listener at once: busboy errors one it cannot finish.
      file.on("error", (error: Error) => fail(malformed(error)));
      if (field !== UPLOAD_FIELD || body || done) {
        file.resume();
        return;
      }
      body = new PassThrough();
      file.pipe(body, { end: false });
      stored = store(info.filename ?? "", body);
      stored.catch(fail);
    });
    parser.on("error", (error: Error) => fail(malformed(error)));
    // 'finish' comes only after the closing boundary, once every part has been read.
    parser.on("finish", () => {
      if (done) return;
      if (!body || !stored) return fail(badRequest(`The multipart field '${UPLOAD_FIELD}' is required`));
      body.end();
      stored.then((value) => {
        if (done) return;
        done = true;
        resolve(value);
      }, fail);
    });
    request.on("error", (error: Error) => fail(badRequest(`The upload was interrupted: ${error.message}`)));
    // A client that goes away mid-body: no 'end' comes, so without this the store would wait forever.
    request.on("close", () => {
      if (!request.complete) fail(badRequest("The upload was interrupted: the client closed the connection before the body ended"));
    });
    request.pipe(parser);
  });
}
