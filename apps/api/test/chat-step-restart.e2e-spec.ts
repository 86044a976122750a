/**
 * POST /api/chat never hands out a whole reply that holds abandoned text: when the model call is
 * retried after its text went out, the plain-text transfer is cut (no final chunk) and the
 * conversation stores the retried answer; when the abandoned attempt had streamed no text (only
 * reasoning), the reply streams on and is exactly the stored answer.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import request from "supertest";
import { openAiTextReply, openAiTextThenError, waitFor } from "@mix/testing";
import { startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

const overloaded = { message: "Overloaded", type: "overloaded_error" };
let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "chat-step-restart", env: { MODEL_MAX_ATTEMPTS: "3" } });
});
afterAll(() => stack?.close());

interface Transfer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** False when the body ended without its last chunk (the server cut the connection). */
  complete: boolean;
}

/** POST /api/chat, reading the body to its end or to the connection's loss. */
function chat(message: string): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${stack.url}/api/chat`, { method: "POST", headers: { ...bearer(stack.key), "Content-Type": "application/json" } }, (res) => {
      res.setEncoding("utf8");
      let text = "";
      let settled = false;
      const done = (complete: boolean) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode!, headers: res.headers, text, complete });
      };
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => done(true));
      res.on("error", () => done(false));
      res.on("close", () => done(res.complete));
    });
    req.on("error", reject);
    req.setTimeout(15_000, () => req.destroy(new Error("no chat reply within 15 s")));
    req.end(JSON.stringify({ message }));
  });
}

async function storedAnswer(conversationId: string): Promise<string | undefined> {
  const messages = (await request(stack.url).get(`/api/sessions/${conversationId}/messages`).set(bearer(stack.key)).expect(200)).body as {
    role: string;
    assistantResponse?: string;
  }[];
  return messages.filter((message) => message.role === "assistant").at(-1)?.assistantResponse;
}

it("cuts the transfer when a retry abandons text that went out, and stores the retried answer", async () => {
  stack.fake.reply(openAiTextThenError("Half an answer", overloaded)).reply(openAiTextReply("The whole answer."));
  const transfer = await chat("hello");

  expect(transfer.status).toBe(200);
  expect(transfer.complete).toBe(false);
  // What arrived is the abandoned text only: the retried answer was never appended to it.
  expect(transfer.text).toBe("Half an answer");
  const conversationId = transfer.headers["x-conversation-id"] as string;
  expect(await waitFor(() => storedAnswer(conversationId), { what: "the retried answer to be stored" })).toBe("The whole answer.");
});

it("streams exactly the stored answer when the abandoned attempt had sent no text", async () => {
  stack.fake.reply(openAiTextThenError("", overloaded, { reasoning: "Let me think" })).reply(openAiTextReply("The whole answer."));
  const transfer = await chat("hello again");

  expect(transfer).toMatchObject({ status: 200, complete: true, text: "The whole answer." });
  const conversationId = transfer.headers["x-conversation-id"] as string;
  expect(await storedAnswer(conversationId)).toBe(transfer.text);
  // The attempt was abandoned all the same (its reasoning had streamed).
  const logged = await stack.apis[0]!.api.infrastructure.events.readAfter(conversationId, 0);
  expect(logged.filter((event) => event.event === "error").map((event) => (event.data as { type?: string }).type)).toEqual(["step_restarted", "retry"]);
});
