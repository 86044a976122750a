/** POST /api/chat read with node:http, so a test sees the body's chunks as they arrive. */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { bearer } from "./test-stack";

export interface ChatResult {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: string[];
  text: string;
}

/** `onChunk` may call `abort` to leave early (the result then holds what arrived so far). */
export function postChat(base: string, key: string, body: unknown, onChunk?: (chunk: string, abort: () => void) => void): Promise<ChatResult> {
  return new Promise((resolve, reject) => {
    const headers = { ...bearer(key), "Content-Type": "application/json" };
    const req = httpRequest(`${base}/api/chat`, { method: "POST", headers }, (res) => {
      res.setEncoding("utf8");
      const chunks: string[] = [];
      const result = () => ({ status: res.statusCode!, headers: res.headers, chunks, text: chunks.join("") });
      res.on("data", (chunk: string) => {
        chunks.push(chunk);
        onChunk?.(chunk, () => {
          req.destroy();
          resolve(result());
        });
      });
      res.on("end", () => resolve(result()));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(15_000, () => req.destroy(new Error("no chat reply within 15 s")));
    req.end(JSON.stringify(body));
  });
}
