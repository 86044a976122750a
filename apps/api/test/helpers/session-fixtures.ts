/** Builders for test data through the public API. */
import request from "supertest";
import { SseClient } from "@mix/testing";
import { bearer } from "./test-stack";

export async function createSession(url: string, key: string, body: Record<string, unknown> = {}): Promise<string> {
  const response = await request(url)
    .post("/api/sessions")
    .set(bearer(key))
    .send({ title: "test session", ...body })
    .expect(201);
  return response.body.id as string;
}

export async function sendMessage(url: string, key: string, sessionId: string, text: string, headers: Record<string, string> = {}) {
  return request(url)
    .post(`/api/sessions/${sessionId}/messages`)
    .set({ ...bearer(key), ...headers })
    .send({ text })
    .expect(202);
}

export async function openStream(url: string, key: string, sessionId: string, lastEventId?: string): Promise<SseClient> {
  const client = await SseClient.connect(`${url}/stream?sessionId=${encodeURIComponent(sessionId)}`, {
    headers: bearer(key),
    lastEventId,
  });
  await client.waitForEvent((event) => event.event === "connected", 5_000, "the connected event");
  return client;
}

export const isComplete = (event: { event: string }) => event.event === "complete";
