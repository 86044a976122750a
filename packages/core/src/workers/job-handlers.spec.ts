import { UnrecoverableError, type Job } from "bullmq";
import { QueueName, type RunAgentJob } from "../contracts";
import { createJobDispatch, type JobHandlers } from "./job-handlers";

/** The fields of a BullMQ job the dispatch reads; no queue or Redis behind it. */
function job(name: string, data: unknown): Job {
  return { id: "job-1", name, data } as Job;
}

const noop = async () => undefined;

describe("createJobDispatch", () => {
  it("fails at boot when a job of the queue has no handler", () => {
    const handlers = { "refresh-oauth-tokens": noop } as unknown as JobHandlers<typeof QueueName.Maintenance>;
    expect(() => createJobDispatch(QueueName.Maintenance, handlers)).toThrow(
      'queue "maintenance": no handler for job "refresh-mcp-servers" of the job catalog',
    );
  });

  it("fails at boot on a handler for a job of another queue", () => {
    const handlers = { "run-agent": noop, "refresh-oauth-tokens": noop } as unknown as JobHandlers<typeof QueueName.AgentRuns>;
    expect(() => createJobDispatch(QueueName.AgentRuns, handlers)).toThrow('queue "agent-runs": a handler for job "refresh-oauth-tokens"');
  });

  it("refuses a job the queue has no handler for as unrecoverable", async () => {
    const dispatch = createJobDispatch(QueueName.AgentRuns, { "run-agent": noop });
    for (const name of ["no-such-job", "refresh-oauth-tokens", "constructor"]) {
      const refused = dispatch(job(name, {}));
      await expect(refused).rejects.toBeInstanceOf(UnrecoverableError);
      await expect(refused).rejects.toThrow(`no handler for job "${name}"`);
    }
  });

  it("refuses a malformed payload as unrecoverable, without calling the handler", async () => {
    const handle = jest.fn(noop);
    const dispatch = createJobDispatch(QueueName.AgentRuns, { "run-agent": handle });
    const refused = dispatch(job("run-agent", { runId: "r1", sessionId: "" }));
    await expect(refused).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(refused).rejects.toThrow("malformed payload for job job-1");
    expect(handle).not.toHaveBeenCalled();
  });

  it("hands the handler the parsed payload, the job and its token, and returns what it returns", async () => {
    const received: RunAgentJob[] = [];
    const dispatch = createJobDispatch(QueueName.AgentRuns, {
      "run-agent": async (payload, taken, token) => {
        received.push(payload);
        return `${taken.id}:${token}`;
      },
    });
    const data = { runId: "r1", sessionId: "s1", workspaceId: "w1", addedByANewerRelease: true };
    await expect(dispatch(job("run-agent", data), "lock-token")).resolves.toBe("job-1:lock-token");
    // Parsed, not passed through: the schema drops what it does not know.
    expect(received).toEqual([{ runId: "r1", sessionId: "s1", workspaceId: "w1" }]);
  });

  it("gives each job of a queue its own handler", async () => {
    const ran: string[] = [];
    const dispatch = createJobDispatch(QueueName.Maintenance, {
      "refresh-oauth-tokens": async () => ran.push("oauth"),
      "refresh-mcp-servers": async () => ran.push("mcp"),
    });
    await dispatch(job("refresh-mcp-servers", {}));
    await dispatch(job("refresh-oauth-tokens", {}));
    expect(ran).toEqual(["mcp", "oauth"]);
  });
});
