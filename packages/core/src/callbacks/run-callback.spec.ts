/** Callbacks against real bash processes and small recording effect objects. */
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { hostProcessesMatching, waitFor } from "@mix/testing";
import type { Callback } from "../contracts/callbacks";
import { CALLBACK_MAX_OUTPUT_CHARS, CALLBACK_TOOL_RESULT_MAX_BYTES, capUtf8 } from "./bash-script-callback";
import type { CallbackEffects, CallbackInvocation, SubAgentAnswer } from "./callback-invocation";
import { callbackName, runCallback } from "./run-callback";
import type { Sandbox } from "../sandbox/sandbox";
import { testSandbox } from "../../test/helpers/test-sandbox";

let base: string;
let sandbox: Sandbox;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "mix-callbacks-"));
  // A storage root the sandbox user can pass through.
  await chmod(base, 0o711);
  sandbox = testSandbox(base);
});
afterEach(async () => {
  await sandbox.close();
  await rm(base, { recursive: true, force: true });
});

function invocation(overrides: Partial<CallbackInvocation> = {}): CallbackInvocation {
  return {
    sessionId: "sess-1",
    // Not created yet: the callback must create it, as tools do.
    sessionDir: path.join(base, "session"),
    sandbox,
    network: "none",
    toolName: "Bash",
    toolCallId: "call_1",
    toolResult: "line one\nline two",
    signal: new AbortController().signal,
    defaultTimeoutMs: 10_000,
    ...overrides,
  };
}

/** Effects that record what they were asked to do. */
function recordingEffects(answer: SubAgentAnswer | Error = "sub-agent says done") {
  const calls = { subAgents: [] as { prompt: string; options: object }[], messages: [] as string[] };
  const effects: CallbackEffects = {
    async runSubAgent(prompt, options) {
      calls.subAgents.push({ prompt, options });
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async sendMessage(text) {
      calls.messages.push(text);
    },
  };
  return { calls, effects };
}

const bash = (bashCommand: string, extra: Partial<Callback> = {}): Callback => ({ type: "bash_script", toolName: "*", bashCommand, name: "script", ...extra });

describe("bash_script callbacks", () => {
  it("sees the tool call in exactly the documented variables, in the session folder", async () => {
    process.env.MIX_CALLBACK_TEST_SECRET = "do-not-leak";
    try {
      const { result, excludeFromContext } = await runCallback(
        bash(
          'printf "%s|%s|%s|%s\\n" "$CALLBACK_TOOL_NAME" "$CALLBACK_TOOL_ID" "$CALLBACK_SESSION_ID" "$CALLBACK_TOOL_RESULT"; basename "$PWD"; compgen -e | sort | tr "\\n" " "; echo oops >&2',
        ),
        invocation(),
        recordingEffects().effects,
      );
      expect(excludeFromContext).toBe(false);
      expect(result).toEqual({
        callback_type: "bash_script",
        callback_name: "script",
        tool_name: "Bash",
        tool_call_id: "call_1",
        exclude_from_context: false,
        success: true,
        exit_code: 0,
        stdout: expect.any(String),
        stderr: "oops",
        duration_ms: expect.any(Number),
      });
      const [vars, resultTail, dir, names] = String(result.stdout).split("\n");
      // The session folder, at the sandbox's fixed path.
      expect([vars, resultTail, dir]).toEqual(["Bash|call_1|sess-1|line one", "line two", "workspace"]);
      expect(names).toBe("CALLBACK_SESSION_ID CALLBACK_TOOL_ID CALLBACK_TOOL_NAME CALLBACK_TOOL_RESULT HOME LANG PATH PWD SHLVL TERM TMPDIR");
      expect(result.stdout).not.toContain("do-not-leak");
    } finally {
      delete process.env.MIX_CALLBACK_TEST_SECRET;
    }
  });

  it("writes into the session folder", async () => {
    await runCallback(bash('echo "$CALLBACK_TOOL_NAME" > seen.txt'), invocation({ toolName: "Write" }), recordingEffects().effects);
    expect(await readFile(path.join(base, "session", "seen.txt"), "utf8")).toBe("Write\n");
  });

  it("reports a non-zero exit as a failure with its output", async () => {
    const { result } = await runCallback(bash("echo partial; echo bad >&2; exit 3"), invocation(), recordingEffects().effects);
    expect(result).toMatchObject({ success: false, exit_code: 3, stdout: "partial", stderr: "bad", error: "Exit code 3" });
  });

  it("honours excludeFromContext", async () => {
    const outcome = await runCallback(bash("true", { excludeFromContext: true }), invocation(), recordingEffects().effects);
    expect(outcome.excludeFromContext).toBe(true);
    expect(outcome.result).toMatchObject({ success: true, exclude_from_context: true, stdout: "" });
  });

  it("kills the command and its children after bashTimeout (milliseconds)", async () => {
    const started = Date.now();
    const { result } = await runCallback(bash("sleep 331 & echo started; sleep 332", { bashTimeout: 400 }), invocation(), recordingEffects().effects);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ success: false, stdout: "started", error: "Timed out after 400 ms and was killed" });
    expect(result.exit_code).toBeUndefined();
    // Seen from the host: pids inside the sandbox are its own namespace's.
    await waitFor(async () => (await hostProcessesMatching("sleep 33")).length === 0, { timeoutMs: 5_000, what: "the callback's processes to be gone" });
  });

  it("falls back to the default timeout", async () => {
    const { result } = await runCallback(bash("sleep 30"), invocation({ defaultTimeoutMs: 300 }), recordingEffects().effects);
    expect(result.error).toBe("Timed out after 300 ms and was killed");
  });

  it("caps stdout and says how much was cut", async () => {
    const { result } = await runCallback(bash("head -c 50000 /dev/zero | tr '\\0' a"), invocation(), recordingEffects().effects);
    expect(result.success).toBe(true);
    const stdout = String(result.stdout);
    expect(stdout.startsWith("a".repeat(CALLBACK_MAX_OUTPUT_CHARS))).toBe(true);
    expect(stdout).toMatch(new RegExp(`\\n\\[output truncated: ${50_000 - CALLBACK_MAX_OUTPUT_CHARS} more characters\\]$`));
  });

  it("starts even when the tool result is huge or holds NUL bytes, passing a capped result", async () => {
    const huge = `${"é".repeat(200_000)}\0tail`;
    const { result } = await runCallback(
      bash('printf %s "$CALLBACK_TOOL_RESULT" | wc -c; printf %s "$CALLBACK_TOOL_RESULT" | tail -c 60'),
      invocation({ toolResult: huge }),
      recordingEffects().effects,
    );
    expect(result.success).toBe(true);
    const [bytes, ...tail] = String(result.stdout).split("\n");
    expect(Number(bytes)).toBeLessThanOrEqual(CALLBACK_TOOL_RESULT_MAX_BYTES + 60);
    expect(tail.join("\n")).toMatch(/\[truncated: \d+ more characters\]$/);
  });

  it("drops NUL bytes, which no environment string can hold", async () => {
    const { result } = await runCallback(bash('printf %s "$CALLBACK_TOOL_RESULT"'), invocation({ toolResult: "a\0b" }), recordingEffects().effects);
    expect(result).toMatchObject({ success: true, stdout: "ab" });
  });

  it("reports a command that cannot start as a failure instead of throwing", async () => {
    // One argument over Linux's 128 KiB limit per string: spawn fails with E2BIG.
    const { result } = await runCallback(bash(`echo ${"€".repeat(50_000)}`), invocation(), recordingEffects().effects);
    expect(result).toMatchObject({ success: false, error: expect.stringMatching(/^Could not start the command: .*E2BIG/) });
  });

  it("stops on cancel and rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = runCallback(bash("sleep 30"), invocation({ signal: controller.signal }), recordingEffects().effects);
    setTimeout(() => controller.abort(new Error("run cancelled")), 200);
    await expect(pending).rejects.toThrow("run cancelled");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("does not start when the run is already cancelled", async () => {
    const controller = new AbortController();
    controller.abort(new Error("already cancelled"));
    await expect(runCallback(bash("echo ran > ran.txt"), invocation({ signal: controller.signal }), recordingEffects().effects)).rejects.toThrow(
      "already cancelled",
    );
    await expect(readFile(path.join(base, "session", "ran.txt"), "utf8")).rejects.toThrow(/ENOENT/);
  });
});

describe("sub_agent callbacks", () => {
  const review: Callback = { type: "sub_agent", toolName: "Write", subAgentPrompt: "Review the file that was written.", name: "review" };

  it("runs a sub-agent with the tool call appended to the prompt", async () => {
    const { calls, effects } = recordingEffects("Looks fine.");
    const outcome = await runCallback(review, invocation({ toolName: "Write", toolCallId: "call_9", toolResult: "Wrote notes.md" }), effects);

    expect(calls.subAgents).toEqual([
      {
        prompt: "Review the file that was written.\n\n<tool_execution>\nTool: Write\nTool call id: call_9\nResult:\nWrote notes.md\n</tool_execution>",
        options: { subagentType: "general-purpose", includeFullHistory: false },
      },
    ]);
    expect(outcome).toEqual({
      excludeFromContext: false,
      result: {
        callback_type: "sub_agent",
        callback_name: "review",
        tool_name: "Write",
        tool_call_id: "call_9",
        exclude_from_context: false,
        success: true,
        subagent_result: "Looks fine.",
        duration_ms: expect.any(Number),
      },
    });
  });

  it("passes the sub-agent type and history flag, and reports the child session", async () => {
    const { calls, effects } = recordingEffects({ text: "ok", sessionId: "child-1" });
    const outcome = await runCallback({ ...review, subAgentType: "researcher", includeFullHistory: true, excludeFromContext: true }, invocation(), effects);
    expect(calls.subAgents[0]?.options).toEqual({ subagentType: "researcher", includeFullHistory: true });
    expect(outcome.excludeFromContext).toBe(true);
    expect(outcome.result).toMatchObject({ success: true, subagent_result: "ok", subagent_id: "child-1" });
  });

  it("caps a huge tool result in the prompt", async () => {
    const { calls, effects } = recordingEffects();
    await runCallback(review, invocation({ toolResult: "x".repeat(100_000) }), effects);
    expect(calls.subAgents[0]!.prompt.length).toBeLessThan(31_000);
    expect(calls.subAgents[0]!.prompt).toMatch(/\[output truncated: 70000 more characters\]\n<\/tool_execution>$/);
  });

  it("reports a failing sub-agent in the result instead of throwing", async () => {
    const { effects } = recordingEffects(new Error("model unavailable"));
    const { result } = await runCallback(review, invocation(), effects);
    expect(result).toMatchObject({ success: false, error: "model unavailable", callback_type: "sub_agent" });
  });

  it("rejects with the signal's reason when cancelled while the sub-agent runs", async () => {
    const controller = new AbortController();
    const effects: CallbackEffects = {
      runSubAgent: () => new Promise((_resolve, reject) => controller.signal.addEventListener("abort", () => reject(new Error("sub-agent interrupted")))),
      sendMessage: async () => undefined,
    };
    const pending = runCallback(review, invocation({ signal: controller.signal }), effects);
    controller.abort(new Error("run cancelled"));
    await expect(pending).rejects.toThrow("run cancelled");
  });
});

describe("send_message callbacks", () => {
  it("queues the message and is never excluded from context", async () => {
    const { calls, effects } = recordingEffects();
    const outcome = await runCallback({ type: "send_message", toolName: "Bash", messageContent: "Please run the tests" }, invocation(), effects);
    expect(calls.messages).toEqual(["Please run the tests"]);
    expect(calls.subAgents).toEqual([]);
    expect(outcome.excludeFromContext).toBe(false);
    expect(outcome.result).toMatchObject({
      callback_type: "send_message",
      success: true,
      tool_name: "Bash",
      callback_name: expect.stringMatching(/^Callback #[0-9A-F]{4}$/),
    });
  });

  it("reports a failed send", async () => {
    const effects: CallbackEffects = { runSubAgent: async () => "", sendMessage: () => Promise.reject(new Error("session deleted")) };
    const { result } = await runCallback({ type: "send_message", toolName: "*", messageContent: "hi" }, invocation(), effects);
    expect(result).toMatchObject({ success: false, error: "session deleted" });
  });
});

describe("callback names and UTF-8 capping", () => {
  it("names unnamed callbacks stably after their settings", () => {
    const unnamed: Callback = { type: "bash_script", toolName: "*", bashCommand: "true" };
    expect(callbackName(unnamed)).toBe(callbackName({ ...unnamed }));
    expect(callbackName(unnamed)).not.toBe(callbackName({ ...unnamed, bashCommand: "false" }));
    expect(callbackName({ ...unnamed, name: "  " })).toMatch(/^Callback #/);
    expect(callbackName({ ...unnamed, name: "Log" })).toBe("Log");
  });

  it("cuts on a character boundary", () => {
    expect(capUtf8("abc", 3)).toBe("abc");
    expect(capUtf8("aéé", 4)).toBe("aé\n[truncated: 1 more characters]");
    expect(capUtf8("", 0)).toBe("");
  });
});

/** False once the process is gone or a zombie (killed but not reaped, as under a container's init). */
