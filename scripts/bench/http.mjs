// The bench's HTTP client: JSON requests, and a raw SSE client over node:http.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { testingDist } from "./stack.mjs";

export async function postJson(stack, path, body) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path.replace(/[0-9a-f-]{36}/, "{id}")} answered ${response.status}: ${text.slice(0, 160)}`);
  return JSON.parse(text);
}

/**
 * Opens GET /stream?sessionId= and calls onEvent(frame, receivedAt) for each frame; resolves
 * with { close } once the `connected` event has arrived. The data stays an unparsed string:
 * the client shares the server's event loop, so it parses only what it needs.
 */
export function openSse(stack, sessionId, onEvent) {
  return new Promise((resolve, reject) => {
    const url = `${stack.baseUrl}/stream?sessionId=${encodeURIComponent(sessionId)}`;
    const headers = { accept: "text/event-stream", authorization: `Bearer ${stack.apiKey}` };
    const request = http.get(url, { headers, agent: false });
    const close = () => request.destroy();
    request.on("error", reject);
    request.on("response", (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET /stream answered ${response.statusCode}`));
        return;
      }
      response.setEncoding("utf8");
      // Resolved once per stream, not per frame: the client shares the stack's event loop.
      const { parseSseFrame } = testingDist();
      let pending = "";
      response.on("data", (chunk) => {
        const receivedAt = performance.now();
        pending += chunk.includes("\r") ? chunk.replace(/\r\n?/g, "\n") : chunk;
        let boundary;
        while ((boundary = pending.indexOf("\n\n")) >= 0) {
          const frame = parseSseFrame(pending.slice(0, boundary));
          pending = pending.slice(boundary + 2);
          if (frame.event === "connected") resolve({ close });
          onEvent(frame, receivedAt);
        }
      });
    });
  });
}
