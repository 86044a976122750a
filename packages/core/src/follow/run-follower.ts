/**
 * Following runs, as every transport reports them: the chat endpoint streams a reply's text, the
 * MCP tools report its progress and return it. Besides following (see follow-run.ts), it answers
 * what those callers ask around it: where a new run's events will start, and a run's status.
 */
import type { PrismaClient } from "@mix/db";
import type { RedisClient } from "../redis/connection";
import type { EventFanout } from "../events/event-fanout";
import type { EventLog } from "../events/event-log";
import type { RedisKeys } from "../redis/keys";
import { UserRequestStore } from "../user-requests/user-request-store";
import { followRun } from "./follow-run";
import type { FollowHandlers, FollowOptions, FollowedRun, Following, RunToFollow } from "./run-outcome";
import { findRunStatus, type RunStatusView } from "./run-status";

/** What the follower reads; a process's Infrastructure fits as it is. */
export interface RunFollowerDeps {
  readonly events: EventLog;
  /** Read on the first follow: a process that follows nothing (a worker) adds no listener to its subscriber. */
  readonly fanout: EventFanout;
  readonly prisma: PrismaClient;
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
}

export class RunFollower {
  private readonly requests: UserRequestStore;

  constructor(private readonly deps: RunFollowerDeps) {
    this.requests = new UserRequestStore(deps.redis, deps.keys);
  }

  /** Where to follow a run from that is sent after this call: its events come after the id returned. */
  startPoint(sessionId: string): Promise<number> {
    return this.deps.events.lastId(sessionId);
  }

  /** The status of a run of a session of the workspace, or null when there is none. */
  status(workspaceId: string, sessionId: string, runId: string): Promise<RunStatusView | null> {
    return findRunStatus(this.deps.prisma, workspaceId, sessionId, runId);
  }

  /** Starts following; resolves once the replay is done, and `handlers.end` reports how it ended. */
  follow(run: RunToFollow, handlers: FollowHandlers, options: FollowOptions): Promise<Following> {
    const { events, fanout } = this.deps;
    const isPending = async (kind: "permission" | "notification", id: string) => (await this.requests.get(kind, id))?.status === "pending";
    return followRun({ events, fanout, isPending }, run, handlers, options);
  }

  /** Follows to the end and resolves with the outcome and the reply (stop it with `options.signal`). */
  followToEnd(run: RunToFollow, handlers: Omit<FollowHandlers, "end">, options: FollowOptions): Promise<FollowedRun> {
    return new Promise<FollowedRun>((resolve, reject) => {
      this.follow(run, { ...handlers, end: (outcome, reply) => resolve({ outcome, ...reply }) }, options).catch(reject);
    });
  }
}
