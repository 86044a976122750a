/** The REST routes the console calls (apps/api/openapi.json), each with the tab's API key. */
import type { FileEntry, Message, PendingRequests, Session, StreamToken, Workspace } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;
/** A file name may hold folders: each segment is encoded, the slashes kept. */
const filePath = (name: string) => name.split("/").map(enc).join("/");

export class Api {
  constructor(private readonly key: string) {}

  private async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${this.key}`);
    if (init.body !== undefined && typeof init.body === "string") headers.set("Content-Type", "application/json");
    const response = await fetch(path, { ...init, headers, credentials: "omit", cache: "no-store" });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      let reason: string | undefined;
      try {
        const body = (await response.json()) as { error?: { message?: string; reason?: string } };
        if (body.error?.message) message = body.error.message;
        reason = body.error?.reason;
      } catch {
        // Not the error shape (a proxy's page): the status line says enough.
        reason = undefined;
      }
      throw new ApiError(response.status, message, reason);
    }
    return response;
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.raw(path, init);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.json<T>(path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body), headers });
  }

  workspace = () => this.json<Workspace>("/api/workspace");
  listSessions = () => this.json<Session[]>("/api/sessions?limit=100");
  getSession = (id: string) => this.json<Session>(`/api/sessions/${enc(id)}`);
  createSession = (title: string) => this.post<Session>("/api/sessions", { title });
  forkSession = (id: string, messageIndex: number) => this.post<Session>(`/api/sessions/${enc(id)}/fork`, { messageIndex });
  rewindSession = (id: string, messageId: string) => this.post<Session>(`/api/sessions/${enc(id)}/rewind`, { messageId });
  deleteSession = (id: string) => this.json<void>(`/api/sessions/${enc(id)}`, { method: "DELETE" });
  exportSession = (id: string) => this.raw(`/api/sessions/${enc(id)}/export`).then((response) => response.blob());
  messages = (id: string) => this.json<Message[]>(`/api/sessions/${enc(id)}/messages`);
  pending = (id: string) => this.json<PendingRequests>(`/api/sessions/${enc(id)}/pending`);
  send = (id: string, text: string) => this.post<unknown>(`/api/sessions/${enc(id)}/messages`, { text }, { "Idempotency-Key": crypto.randomUUID() });
  cancel = (id: string) => this.post<{ cancelled: boolean }>(`/api/sessions/${enc(id)}/cancel`);
  streamToken = (id: string) => this.post<StreamToken>(`/api/sessions/${enc(id)}/stream-token`);
  grant = (id: string, always: boolean) => this.post<unknown>(`/api/permissions/${enc(id)}/grant`, always ? { always: true } : {});
  deny = (id: string) => this.post<unknown>(`/api/permissions/${enc(id)}/deny`);
  respond = (id: string, type: string, value?: string) =>
    this.post<void>(`/api/notifications/${enc(id)}/respond`, value === undefined ? { type } : { type, value });
  files = (id: string) => this.json<FileEntry[]>(`/api/sessions/${enc(id)}/files`);
  /** The files API needs the key, so an <img> cannot load it: fetch it, then show a blob URL. */
  fileBlob = (id: string, name: string, thumb?: string) =>
    this.raw(`/api/sessions/${enc(id)}/files/${filePath(name)}${thumb ? `?thumb=${enc(thumb)}` : ""}`).then((response) => response.blob());
  upload = (id: string, file: File) => {
    const form = new FormData();
    form.append("file", file, file.name);
    return this.json<unknown>(`/api/sessions/${enc(id)}/files/upload`, { method: "POST", body: form });
  };
}
