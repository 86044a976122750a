/**
 * Reads the one `file` part of a multipart/form-data request and hands it on as a stream,
 * so a 32 MB upload goes to disk in chunks instead of into memory (busboy, the parser under multer).
 */
import type { Readable } from "node:stream";
import busboy from "busboy";
import { badRequest } from "@mix/core";
import type { Request } from "express";

export const UPLOAD_FIELD = "file";

export function receiveFile<T>(request: Request, store: (clientName: string, body: Readable) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // utf8: browsers send non-ASCII file names as raw UTF-8 in the header.
      parser = busboy({ headers: request.headers, defParamCharset: "utf8", limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    } catch (error) {
      request.resume();
      reject(badRequest(`Expected a multipart/form-data body: ${(error as Error).message}`));
      return;
    }
    let stored: Promise<T> | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      // Read the rest of the body so the client sees our answer instead of a reset connection.
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on("file", (field, stream, info) => {
      if (field !== UPLOAD_FIELD || stored) {
        stream.resume();
        return;
      }
      stored = store(info.filename ?? "", stream);
      stored.catch((error: unknown) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on("error", (error: Error) => fail(badRequest(`Malformed multipart body: ${error.message}`)));
    parser.on("close", () => {
      if (!stored) return fail(badRequest(`The multipart field '${UPLOAD_FIELD}' is required`));
      stored.then((value) => {
        settled = true;
        resolve(value);
      }, fail);
    });
    request.on("error", fail);
    request.pipe(parser);
  });
}
