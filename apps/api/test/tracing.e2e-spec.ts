/**
 * Traces through the whole stack, exported to an OTLP/HTTP receiver this test runs itself: the
 * request's server span, the run's span in the same trace (carried in the job), the model call
 * and the tool call with their GenAI attributes, and log lines of the run tagged with the trace.
 * First with no OTEL settings: nothing is exported, and the run's lines carry its ids only.
 */
import { createLogger, loadConfig, startRunWorker, startTracing, type RunWorker, type Tracing } from "@mix/core";
import { startOtlpReceiver, waitFor, type ExportedSpan, type OtlpSpan } from "@mix/testing";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { startTestStack, type TestStack } from "./helpers/test-stack";

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let stack: TestStack;
let url: string;
let worker: RunWorker | undefined;
let tracing: Tracing | undefined;
const logLines: Record<string, unknown>[] = [];

/** A worker whose log lines (debug and up) this test reads. */
async function startCapturedWorker(): Promise<RunWorker> {
  const logger = createLogger("traced-worker", "debug", { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  return startRunWorker(loadConfig(stack.env), logger);
}

async function runMessage(text: string, headers: Record<string, string> = {}): Promise<string> {
  const sessionId = await createSession(url, stack.key);
  const client = await openStream(url, stack.key, sessionId);
  try {
    await sendMessage(url, stack.key, sessionId, text, headers);
    await client.waitForEvent(isComplete, 20_000, "the run's complete event");
  } finally {
    client.close();
  }
  return sessionId;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  stack = await startTestStack({ label: "tracing", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await tracing?.shutdown();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  await worker?.close();
  await stack?.close();
  await receiver?.close();
});

describe("with no OTEL settings", () => {
  it("exports nothing and tags the run's log lines with its ids but no trace", async () => {
    expect(startTracing("mix-test", {}).enabled).toBe(false);
    expect(startTracing("mix-test", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: "true" }).enabled).toBe(false);
    worker = await startCapturedWorker();
    const sessionId = await runMessage("untraced\n@tool list_directory {}");
    const runLine = await waitFor(() => logLines.find((line) => line.msg === "run job taken" && line.sessionId === sessionId), { what: "the run's log line" });
    expect(runLine).toMatchObject({ runId: expect.any(String), sessionId, workspaceId: expect.any(String) });
    expect(runLine.traceId).toBeUndefined();
    await worker.close();
    worker = undefined;
    expect(receiver.requests()).toBe(0);
  });
});

describe("with OTEL_EXPORTER_OTLP_ENDPOINT set", () => {
  // A client's own trace: the request joins it (W3C traceparent).
  const clientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const clientSpanId = "00f067aa0ba902b7";
  let sessionId: string;
  let traceSpans: ExportedSpan[];

  beforeAll(async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    tracing = startTracing("mix-test");
    expect(tracing.enabled).toBe(true);
    worker = await startCapturedWorker();
    sessionId = await runMessage("traced\n@tool list_directory {}", { traceparent: `00-${clientTraceId}-${clientSpanId}-01` });
    // Spans end as the run settles (after its complete event): flush until the run's span is out.
    traceSpans = await waitFor(
      async () => {
        await tracing!.flush();
        const spans = receiver.spans.filter((span) => span.traceId === clientTraceId);
        return spans.some((span) => span.name.startsWith("run ")) && spans;
      },
      { what: "the run's span at the receiver" },
    );
  });

  it("records the POST as a server span named by its route, in the client's trace", () => {
    const post = traceSpans.find((span) => span.name === "POST /api/sessions/:id/messages");
    expect(post).toBeDefined();
    expect(post!.parentSpanId).toBe(clientSpanId);
    expect(post!.kind).toBe(2); // SERVER
    expect(attribute(post!, "http.route")?.stringValue).toBe("/api/sessions/:id/messages");
    expect(Number(attribute(post!, "http.response.status_code")!.intValue)).toBe(202);
    expect(post!.service).toBe("mix-test");
  });

  it("parents the run's span by the enqueue the request made, through the job", () => {
    const enqueue = traceSpans.find((span) => span.name === "enqueue run")!;
    const post = traceSpans.find((span) => span.name === "POST /api/sessions/:id/messages")!;
    expect(enqueue.parentSpanId).toBe(post.spanId);
    const run = traceSpans.find((span) => span.name.startsWith("run "))!;
    expect(run.parentSpanId).toBe(enqueue.spanId);
    expect(attribute(run, "mix.session.id")?.stringValue).toBe(sessionId);
    expect(run.name).toBe(`run ${attribute(run, "mix.run.id")?.stringValue}`);
    // Appended events are span events of the span that appended them, deltas left out.
    const noted = traceSpans.flatMap((span) => span.events ?? []).map((event) => event.name);
    expect(noted).toContain("event complete");
    expect(noted).not.toContain("event content");
  });

  it("records each model call as `chat <model>` with the GenAI attributes and token counts", () => {
    const run = traceSpans.find((span) => span.name.startsWith("run "))!;
    const chats = traceSpans.filter((span) => span.name === "chat scripted-1");
    // The call that asks for the tool, and the one that answers after its result.
    expect(chats.length).toBeGreaterThanOrEqual(2);
    for (const chat of chats) {
      expect(chat.parentSpanId).toBe(run.spanId);
      expect(attribute(chat, "gen_ai.operation.name")?.stringValue).toBe("chat");
      expect(attribute(chat, "gen_ai.provider.name")?.stringValue).toBe("scripted");
      expect(attribute(chat, "gen_ai.request.model")?.stringValue).toBe("scripted-1");
      expect(Number(attribute(chat, "gen_ai.usage.input_tokens")?.intValue)).toBeGreaterThan(0);
      expect(Number(attribute(chat, "gen_ai.usage.output_tokens")?.intValue)).toBeGreaterThan(0);
    }
  });

  it("records the tool call as `execute_tool list_directory`", () => {
    const run = traceSpans.find((span) => span.name.startsWith("run "))!;
    const tool = traceSpans.find((span) => span.name === "execute_tool list_directory")!;
    expect(tool).toBeDefined();
    expect(tool.parentSpanId).toBe(run.spanId);
    expect(attribute(tool, "gen_ai.tool.name")?.stringValue).toBe("list_directory");
    expect(attribute(tool, "gen_ai.tool.call.id")?.stringValue).toEqual(expect.any(String));
    expect(tool.status?.code ?? 0).not.toBe(2); // not ERROR
  });

  it("tags the run's log lines with its trace", () => {
    const runLine = logLines.find((line) => line.msg === "run job taken" && line.sessionId === sessionId);
    expect(runLine).toMatchObject({ traceId: clientTraceId, runId: expect.any(String), workspaceId: expect.any(String), spanId: expect.any(String) });
  });
});
