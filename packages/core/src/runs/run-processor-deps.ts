/** What the run processor is built from: the stores, queues and services a run needs. */
import type { WorkspacePreferences } from "@mix/db";
import type { RetryPolicy } from "../agent/model-retry";
import type { CreditCheck, PriceLookup } from "../agent/loop-types";
import type { ContextServices } from "../context/context-services";
import type { ModelChoice } from "../models/selection/model-selector";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { UserMessageSender } from "../messages/user-message-sender";
import type { NotificationGate } from "../notifications/notification-gate";
import type { PermissionGate } from "../permissions/permission-gate";
import type { Sandbox } from "../sandbox/sandbox";
import type { SearchService } from "../search/search-service";
import type { BrowserManager } from "../browser/browser-manager";
import type { KnowledgeService } from "../knowledge/knowledge.service";
import type { RunGrounding } from "../knowledge/run-grounding";
import type { Tool, ToolLimits } from "../tools/tool";
import type { RunControl, RunControlListener } from "./run-control";
import type { RunLeases } from "./run-lease";
import type { RunStepStore } from "./run-step-store";
import type { RunStore } from "./run-store";
import type { RunQueue } from "../queues/run-queue";
import type { WorkspaceSlots } from "./workspace-slots";

export interface ModelChooser {
  select(args: {
    workspaceId: string;
    session: { modelProvider: string | null; modelId: string | null };
    role: "main" | "subagent";
    preferences?: WorkspacePreferences | null;
    planName?: string | null;
  }): Promise<ModelChoice>;
}

export interface RunProcessorDeps {
  runs: RunStore;
  steps: RunStepStore;
  /** How a send_message callback's message enters its session: the way a client's does. */
  messages: Pick<UserMessageSender, "send">;
  events: EventLog;
  leases: RunLeases;
  control: RunControl;
  controlListener: RunControlListener;
  queue: RunQueue;
  /** The workspaces' caps on runs executing at once (plans, WORKSPACE_MAX_CONCURRENT_RUNS), and their slots. */
  slots: WorkspaceSlots;
  models: ModelChooser;
  /** The tools a workspace's agent is offered (built-ins and its MCP servers' tools). */
  tools(workspaceId: string): Promise<Tool[]>;
  /** Absent: no tool asks permission (tests of other parts, benchmarks). */
  permissions?: PermissionGate;
  /** The deployment's web search (search/), bound to each run for the Search tool; absent, Search reports none. */
  search?: Pick<SearchService, "forRun">;
  /** The workspace profile and knowledge a run is grounded on (knowledge/); absent, the system prompt has neither. */
  grounding?: Pick<RunGrounding, "forRun">;
  /** The workspace's knowledge for the knowledge_search tool; absent, knowledge_search reports none. */
  knowledge?: Pick<KnowledgeService, "search">;
  /** The worker's browsers (browser/), one per session that uses one; absent, the browser tools report none. */
  browsers?: Pick<BrowserManager, "forSession">;
  /** What the notify_user tool shows and asks; absent, notify_user answers that nobody can be asked. */
  notifications?: NotificationGate;
  prices: PriceLookup;
  /** Asked before every model call (credits/); absent: every call goes ahead (tests of other parts). */
  credits?: CreditCheck;
  /** Context windows, compaction and caching (agent/loop-context.ts), the summariser aside (the run's sub-agent model); absent: none. */
  context?: Omit<ContextServices, "summarizer">;
  retry: RetryPolicy;
  limits: ToolLimits;
  /** Where the agent's commands run. */
  sandbox: Sandbox;
  /** The folder of a session's files, where its tools work. */
  sessionDir(sessionId: string): string;
  defaultMaxSteps: number;
  callbackTimeoutMs: number;
  logger: Logger;
  busyRetryMs: number;
}
