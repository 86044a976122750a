/** Helpers for the session files tests: uploads, and requests whose path no client normalizes. */
import { request as httpRequest } from "node:http";
import request from "supertest";
import sharp from "sharp";
import { bearer } from "./test-stack";

export function upload(url: string, key: string, sessionId: string, name: string, bytes: Buffer) {
  return request(url).post(`/api/sessions/${sessionId}/files/upload`).set(bearer(key)).attach("file", bytes, name);
}

export interface RawResponse {
  status: number;
  body: Buffer;
}

/** Sends `path` byte for byte: supertest would resolve `..` and `%2e%2e` before sending. */
export function rawRequest(url: string, key: string, method: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers: { ...bearer(key), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end();
  });
}

export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 20 } } })
    .png()
    .toBuffer();
}

export async function dimensions(image: Buffer): Promise<{ width?: number; height?: number; format?: string }> {
  const { width, height, format } = await sharp(image).metadata();
  return { width, height, format };
}
