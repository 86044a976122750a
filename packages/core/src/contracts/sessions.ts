/** Requests and responses of the sessions resource. */
import { z } from "zod";
import { BrowserMode, CdpUrl, DEFAULT_BROWSER_MODE, REMOTE_BROWSER_MODE } from "./browser-mode";
import { CallbackList } from "./callbacks";
import { safeString } from "./text";

export const SessionType = z.enum(["main", "forked", "subagent"]);
export type SessionType = z.infer<typeof SessionType>;
export const PromptMode = z.enum(["default", "append", "replace"]);
export type PromptMode = z.infer<typeof PromptMode>;

/** Byte limits of the contract, measured on the UTF-8 encoding of the prompt. */
export const PROMPT_LIMIT_BYTES = { append: 51_200, replace: 102_400 } as const;
export const MAX_TITLE_LENGTH = 1_000;
/** Longest model id a session may name (the provider catalog's limit for open model ids). */
export const MAX_MODEL_ID_LENGTH = 200;

/**
 * Both contracts' create body (the seeds' and Mix v0.11.4's). Top-level fields neither knows are
 * stripped, not refused: a client one release ahead still creates sessions (the controller says
 * which it ignored). Everything known is checked as strictly as before.
 */
export const CreateSessionRequest = z
  .object({
    title: safeString({ error: (issue) => (issue.input === undefined ? "title is required" : "title must be a string") })
      .trim()
      .min(1, "title is required")
      .max(MAX_TITLE_LENGTH, `title must be at most ${MAX_TITLE_LENGTH} characters`),
    customSystemPrompt: safeString().optional(),
    promptMode: z.enum(PromptMode.options, { error: "promptMode must be 'default', 'append', or 'replace'" }).default("default"),
    sessionType: z
      .literal("main", {
        error: "API can only create main sessions. Use /fork endpoint for forked sessions. Subagent sessions are created automatically.",
      })
      .default("main"),
    subagentType: safeString()
      .refine((value) => value === "", {
        message: "subagentType cannot be set for API-created sessions. Subagent sessions are created programmatically by the task delegation system.",
      })
      .optional(),
    callbacks: CallbackList.optional(),
    // Beyond the contract, and optional: the model this session runs on. The provider catalog
    // decides what is valid (SessionsService.create); without them the workspace's preferences,
    // then the configuration, choose at run time.
    provider: safeString({ error: "provider must be a string" }).optional(),
    modelId: safeString({ error: "modelId must be a string" })
      .trim()
      .min(1, "modelId must not be empty")
      .max(MAX_MODEL_ID_LENGTH, `modelId must be at most ${MAX_MODEL_ID_LENGTH} characters`)
      .optional(),
    // v0.11.4 requires it; the older contract has none, and means a browser the server runs.
    browserMode: BrowserMode.default(DEFAULT_BROWSER_MODE),
    cdpUrl: CdpUrl.optional(),
  })
  .superRefine((request, context) => {
    if (request.modelId !== undefined && request.provider === undefined) {
      context.addIssue({ code: "custom", path: ["provider"], message: "provider is required when modelId is set" });
    }
    const remote = request.browserMode === REMOTE_BROWSER_MODE;
    if (remote && request.cdpUrl === undefined) {
      context.addIssue({ code: "custom", path: ["cdpUrl"], message: `cdpUrl is required when browserMode is '${REMOTE_BROWSER_MODE}'` });
    }
    if (!remote && request.cdpUrl !== undefined) {
      context.addIssue({ code: "custom", path: ["cdpUrl"], message: `cdpUrl is only allowed when browserMode is '${REMOTE_BROWSER_MODE}'` });
    }
  });
/** The top-level fields create knows; any other is ignored. */
export const CREATE_SESSION_FIELDS: ReadonlySet<string> = new Set(Object.keys(CreateSessionRequest.shape));
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** Message counts and spend of a session, summed over the whole session. */
export const SessionTotals = z.object({
  userMessageCount: z.number().int(),
  assistantMessageCount: z.number().int(),
  toolCallCount: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  /** Of the prompt tokens, those read from the provider's prompt cache and those written to it (priced at their own rates). */
  cacheReadTokens: z.number().int().optional(),
  cacheWriteTokens: z.number().int().optional(),
  cost: z.number(),
});

export const SessionData = z.object({
  id: z.string(),
  title: z.string(),
  sessionType: SessionType,
  subagentType: z.literal("general-purpose").optional(),
  parentSessionId: z.string().optional(),
  parentToolCallId: z.string().optional(),
  firstUserMessage: z.string().optional(),
  ...SessionTotals.shape,
  createdAt: z.string(),
  callbacks: z.array(z.record(z.string(), z.unknown())).optional(),
  /** The model chosen for this session, when one was (absent: the workspace's preferences decide). */
  provider: z.string().optional(),
  modelId: z.string().optional(),
  /** v0.11.4: the browser the session's agent works with; cdpUrl only for a remote one. */
  browserMode: BrowserMode,
  cdpUrl: z.string().optional(),
});
export type SessionData = z.infer<typeof SessionData>;

export const MAX_SESSIONS_PAGE = 200;

export const ListSessionsQuery = z.object({
  includeSubagents: z
    .enum(["true", "false"], { error: "includeSubagents must be true or false" })
    .optional()
    .transform((value) => value === "true"),
  // Beyond the contract, and optional: without `limit` the answer is every session, as before.
  limit: safeString({ error: `limit must be an integer from 1 to ${MAX_SESSIONS_PAGE}` })
    .regex(/^\d{1,3}$/, `limit must be an integer from 1 to ${MAX_SESSIONS_PAGE}`)
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= MAX_SESSIONS_PAGE, `limit must be an integer from 1 to ${MAX_SESSIONS_PAGE}`)
    .optional(),
  /** Opaque: the `X-Next-Cursor` of the previous page. */
  cursor: safeString({ error: "cursor must be a string" })
    .regex(/^[A-Za-z0-9_-]{1,400}$/, "cursor is not valid")
    .optional(),
});
export type ListSessionsQuery = z.infer<typeof ListSessionsQuery>;

export const CancelResponse = z.object({ cancelled: z.boolean() });
export type CancelResponse = z.infer<typeof CancelResponse>;

export const UpdateCallbacksRequest = z.strictObject({
  callbacks: CallbackList.refine((list) => Array.isArray(list), "callbacks is required"),
});
export type UpdateCallbacksRequest = z.infer<typeof UpdateCallbacksRequest>;
