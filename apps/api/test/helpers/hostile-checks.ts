/**
 * For tests of hostile requests: bytes sent over a raw socket (truncated bodies, clients that
 * vanish mid-request), and the checks that follow each one: the API still answers, nothing
 * stored changed, no file descriptor or staged file was left behind.
 */
import { readdirSync, readlinkSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import path from "node:path";
import request from "supertest";
import { waitFor } from "@mix/testing";
import { bearer, type TestStack } from "./test-stack";

export interface RawAnswer {
  /** 0 when the connection closed without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses what a raw socket received; the body is left as sent (no chunked decoding needed: errors carry Content-Length). */
export function parseRawAnswer(raw: string): RawAnswer {
  const split = raw.indexOf("\r\n\r\n");
  if (!raw.startsWith("HTTP/1.1 ") || split < 0) return { status: 0, headers: {}, body: raw };
  const [statusLine, ...lines] = raw.slice(0, split).split("\r\n");
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine!.split(" ")[1]), headers, body: raw.slice(split + 4) };
}

/** A connection that writes bytes exactly as given and collects whatever comes back. */
export class RawConnection {
  private received = "";
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => (this.received += chunk.toString("latin1")));
    socket.on("close", () => (this.closed = true));
    // A reset by the server is an answer too (it closed): recorded through 'close'.
    socket.on("error", (error: Error) => (this.received += `\n[socket error: ${error.message}]`));
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Half-closes: the server sees the body end here, whatever Content-Length said. */
  end(): void {
    this.socket.end();
  }

  /** Vanishes, as a client whose network dropped. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Waits for the server to close the connection and returns what it answered. */
  async answer(timeoutMs = 10_000): Promise<RawAnswer> {
    await waitFor(() => this.closed, { timeoutMs, what: "the server to close the connection" });
    return parseRawAnswer(this.received);
  }
}

/** The request head of a multipart upload, with the length the client claims. */
export function uploadHead(sessionId: string, key: string, boundary: string, contentLength: number): string {
  return (
    `POST /api/sessions/${sessionId}/files/upload HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${key}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n`
  );
}

export const filePartHead = (boundary: string, fileName: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;

/** Open descriptors of this process (the API runs in it), by what they point at. */
export function openDescriptors(): string[] {
  return readdirSync("/proc/self/fd").map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch (error) {
      // The fd readdir itself used, closed by now.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "(closed)";
      throw error;
    }
  });
}

/** Waits until no descriptor points into `dir` and the count is back to `baseline` or below. */
export async function expectDescriptorsBack(baseline: number, dir: string): Promise<void> {
  await waitFor(() => openDescriptors().filter((target) => target.startsWith(dir)).length === 0, { what: `no open files in ${path.basename(dir)}` });
  await waitFor(() => openDescriptors().length <= baseline, {
    timeoutMs: 20_000,
    what: `the open descriptors to return to ${baseline} (now ${openDescriptors().length})`,
  });
}

export const stagingEntries = (storageDir: string) => readdir(path.join(storageDir, ".staging")).catch(missingAsEmpty);

function missingAsEmpty(error: NodeJS.ErrnoException): string[] {
  if (error.code === "ENOENT") return [];
  throw error;
}

/** GET /health answers 200 (on a fresh connection, so no kept-alive socket counts as an open descriptor). */
export async function expectHealthy(url: string): Promise<void> {
  const response = await request(url).get("/health").set("Connection", "close");
  expect({ status: response.status, body: response.body.status }).toEqual({ status: 200, body: "ok" });
}

/** What the API has stored for a workspace: its sessions, and one session's messages and files (names, sizes, bytes). */
export async function storedState(stack: TestStack, url: string, sessionId: string): Promise<unknown> {
  const get = async (route: string, binary = false) => {
    const call = request(url).get(route).set(bearer(stack.key)).set("Connection", "close");
    const response = binary ? await call.responseType("blob") : await call;
    expect(response.status).toBe(200);
    return binary ? (response.body as Buffer).toString("base64") : (response.body as unknown);
  };
  const files = (await get(`/api/sessions/${sessionId}/files`)) as { name: string; size: number; isDir: boolean }[];
  const contents: Record<string, unknown> = {};
  for (const file of files) if (!file.isDir) contents[file.name] = await get(`/api/sessions/${sessionId}/files/${encodeURIComponent(file.name)}`, true);
  const { prisma } = stack.apis[0]!.api.infrastructure;
  return {
    counts: await Promise.all([prisma.session.count(), prisma.message.count(), prisma.run.count()]),
    sessions: await get("/api/sessions"),
    messages: await get(`/api/sessions/${sessionId}/messages`),
    files: files.map(({ name, size, isDir }) => ({ name, size, isDir })),
    contents,
  };
}
