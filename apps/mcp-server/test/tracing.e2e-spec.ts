/** The MCP server's requests as server spans in the caller's trace, exported to a receiver this test runs. */
import { startTracing, type Tracing } from "@mix/core";
import { startOtlpReceiver, waitFor } from "@mix/testing";
import { startMcpStack, type McpStack } from "./helpers/mcp-stack";

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let stack: McpStack;
let tracing: Tracing;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  tracing = startTracing("mix-mcp-test");
  stack = await startMcpStack({ label: "mcp-tracing", workers: 0 });
});
afterAll(async () => {
  await tracing?.shutdown();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  await stack?.close();
  await receiver?.close();
});

it("records each POST /mcp as a server span under the client's traceparent", async () => {
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  const parent = "b7ad6b7169203331";
  const answer = await fetch(stack.instances[0]!.url, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${stack.key}`,
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      traceparent: `00-${traceId}-${parent}-01`,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });
  expect(answer.status).toBe(200);
  await answer.text();
  const span = await waitFor(
    async () => {
      await tracing.flush();
      return receiver.spans.find((candidate) => candidate.traceId === traceId);
    },
    { what: "the MCP request's span" },
  );
  expect({ name: span.name, parent: span.parentSpanId, kind: span.kind, service: span.service }).toEqual({
    name: "POST /mcp",
    parent,
    kind: 2,
    service: "mix-mcp-test",
  });
});
