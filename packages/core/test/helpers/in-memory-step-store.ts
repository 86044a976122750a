/**
 * The agent loop's StepStore in memory, for tests of the loop without Postgres: what the loop
 * stored, in the order it stored it, with the checks Postgres would make (a part appended to a
 * message that does not exist, or at an index already taken, fails).
 */
import { randomUUID } from "node:crypto";
import { stepParts, type StepRecord, type StepStore, type StepUsage, type SubagentSessionRecord } from "../../src/agent/step-store";
import type { PartData } from "../../src/messages/parts";

export interface StoredStep {
  id: string;
  sessionId: string;
  turn: number;
  model: string;
  finishReason: string;
  parts: PartData[];
  usage: StepUsage;
}

export class InMemoryStepStore implements StepStore {
  readonly steps: StoredStep[] = [];
  readonly subagentSessions: (SubagentSessionRecord & { id: string })[] = [];
  /** The step each run names as streaming now (null once it is stored). */
  readonly streaming = new Map<string, string | null>();
  /** Tokens and cost per session, roll-ups included. */
  readonly usage = new Map<string, StepUsage>();
  /** The steps stored as their run's last (StepRecord.endsRun), by message id: Postgres completes the run with them. */
  readonly runEndingSteps: string[] = [];

  async markStreaming(runId: string, messageId: string): Promise<void> {
    this.streaming.set(runId, messageId);
  }

  async saveStep(record: StepRecord): Promise<number> {
    if (this.steps.some((step) => step.id === record.messageId)) throw new Error(`message ${record.messageId} stored twice`);
    const parts = stepParts(record.step);
    this.steps.push({
      id: record.messageId,
      sessionId: record.sessionId,
      turn: record.turn,
      model: record.model,
      finishReason: record.step.finishReason,
      parts,
      usage: record.usage,
    });
    for (const sessionId of [record.sessionId, ...record.rollUpSessionIds]) {
      const total = this.usage.get(sessionId) ?? { promptTokens: 0, completionTokens: 0, cost: 0 };
      this.usage.set(sessionId, {
        promptTokens: total.promptTokens + record.usage.promptTokens,
        completionTokens: total.completionTokens + record.usage.completionTokens,
        cost: total.cost + record.usage.cost,
      });
    }
    if (this.streaming.get(record.runId) === record.messageId) this.streaming.set(record.runId, null);
    if (record.endsRun) this.runEndingSteps.push(record.messageId);
    return parts.length;
  }

  async appendPart(messageId: string, index: number, data: PartData): Promise<void> {
    const step = this.steps.find((candidate) => candidate.id === messageId);
    if (!step) throw new Error(`no stored message ${messageId}`);
    if (index !== step.parts.length) throw new Error(`part ${index} of message ${messageId} appended where part ${step.parts.length} goes`);
    step.parts.push(data);
  }

  async createSubagentSession(record: SubagentSessionRecord): Promise<string> {
    const id = randomUUID();
    this.subagentSessions.push({ ...record, id });
    return id;
  }

  /** The steps stored in a session, in order. */
  stepsOf(sessionId: string): StoredStep[] {
    return this.steps.filter((step) => step.sessionId === sessionId);
  }
}
