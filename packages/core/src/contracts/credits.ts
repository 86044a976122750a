/**
 * `/api/workspace/plans`, `/plan`, `/credits` and `/usage` (admins): the plan table, a
 * workspace's plan, its credit balance and ledger, top-ups and adjustments, and what its model
 * calls used. Money is in USD; the ledger keeps micro-USD, so amounts have at most 6 decimals.
 */
import { z } from "zod";
import { safeString } from "./text";

/** The largest top-up or adjustment one request makes (USD). */
export const MAX_CREDIT_CHANGE_USD = 1_000_000;
export const MAX_CREDIT_NOTE_LENGTH = 500;
export const DEFAULT_LEDGER_PAGE = 50;
export const MAX_LEDGER_PAGE = 200;
/** The longest range GET /api/workspace/usage reports at once (days). */
export const MAX_USAGE_RANGE_DAYS = 366;
/** The range it reports when given none: the last 30 days, today included. */
export const DEFAULT_USAGE_RANGE_DAYS = 30;

/** `type` of the `error` event (and `complete` event) of a run stopped because its workspace's credits ran out. */
export const CREDITS_EXHAUSTED = "credits_exhausted";

const nullableCount = z.number().int().nullable();

export const PlanData = z.object({
  name: z.string(),
  title: z.string(),
  models: z.union([z.literal("*"), z.array(z.string())]).describe('"*" for every model, else "provider/model" or "provider/*" entries'),
  keyRequestsPerMinute: nullableCount.describe("null: the deployment's setting"),
  workspaceRequestsPerMinute: nullableCount.describe("null: the deployment's setting"),
  maxConcurrentRuns: nullableCount.describe("null: no cap"),
  maxSessions: nullableCount.describe("null: no cap"),
  monthlyCredits: z.number().nullable().describe("USD granted each calendar month (UTC); null: model calls are not metered"),
});
export type PlanData = z.infer<typeof PlanData>;

export const ListPlansResponse = z.object({
  plans: z.array(PlanData),
  /** The plan the asking workspace is on. */
  current: z.string(),
});
export type ListPlansResponse = z.infer<typeof ListPlansResponse>;

export const SetPlanRequest = z.strictObject({
  plan: safeString({ error: "plan must be a string" }).min(1, "plan is required").max(40, "plan must be at most 40 characters"),
});
export type SetPlanRequest = z.infer<typeof SetPlanRequest>;

export const CreditEntryKind = z.enum(["grant", "top_up", "debit", "adjustment"]);
export type CreditEntryKind = z.infer<typeof CreditEntryKind>;

export const CreditEntryData = z.object({
  id: z.string(),
  kind: CreditEntryKind,
  amount: z.number().describe("USD; negative for a debit or a downward adjustment"),
  balanceAfter: z.number().describe("USD"),
  runId: z.string().nullable().describe("The run whose model call a debit paid for"),
  note: z.string().nullable(),
  actorKeyId: z.string().nullable().describe("The key that topped up or adjusted; null for grants and debits"),
  createdAt: z.string().describe("ISO 8601"),
});
export type CreditEntryData = z.infer<typeof CreditEntryData>;

export const CreditsSummary = z.object({
  plan: z.string(),
  /** Whether model calls are paid from the balance (the plan has monthly credits). */
  metered: z.boolean(),
  balance: z.number().describe("USD; below zero by at most the model calls that were running when it reached zero"),
  monthlyCredits: z.number().nullable(),
  /** The month (UTC, "2026-07") whose grant the balance holds; null before the first. */
  period: z.string().nullable(),
  grantedThisPeriod: z.number().describe("USD granted for `period` (the monthly grant, and what an upgrade added)"),
  nextGrantAt: z.string().nullable().describe("ISO 8601: when the next monthly grant is added (on first use after it); null when not metered"),
});
export type CreditsSummary = z.infer<typeof CreditsSummary>;

const pageLimit = safeString({ error: `limit must be an integer from 1 to ${MAX_LEDGER_PAGE}` })
  .regex(/^\d{1,3}$/, `limit must be an integer from 1 to ${MAX_LEDGER_PAGE}`)
  .transform(Number)
  .refine((limit) => limit >= 1 && limit <= MAX_LEDGER_PAGE, `limit must be an integer from 1 to ${MAX_LEDGER_PAGE}`);

export const GetCreditsQuery = z.object({
  limit: pageLimit.optional(),
  cursor: safeString({ error: "cursor must be a string" })
    .regex(/^[A-Za-z0-9_-]{1,400}$/, "cursor is not valid")
    .optional(),
});
export type GetCreditsQuery = z.infer<typeof GetCreditsQuery>;

export const GetCreditsResponse = CreditsSummary.extend({
  /** The ledger, newest first, one page. */
  entries: z.array(CreditEntryData),
  nextCursor: z.string().nullable(),
});
export type GetCreditsResponse = z.infer<typeof GetCreditsResponse>;

const AMOUNT_MESSAGE = `amount must be a number of USD, non-zero, at most ${MAX_CREDIT_CHANGE_USD} either way, with at most 6 decimals`;

export const ChangeCreditsRequest = z
  .strictObject({
    amount: z
      .number({ error: AMOUNT_MESSAGE })
      .refine((amount) => Number.isFinite(amount) && Math.abs(amount) <= MAX_CREDIT_CHANGE_USD, AMOUNT_MESSAGE)
      .refine((amount) => Math.round(Math.abs(amount) * 1_000_000) >= 1, AMOUNT_MESSAGE)
      .describe("USD: a top-up adds it (> 0); an adjustment adds it or, negative, takes it away"),
    kind: z.enum(["top_up", "adjustment"], { error: "kind must be top_up or adjustment" }).default("top_up"),
    note: safeString({ error: "note must be a string" })
      .max(MAX_CREDIT_NOTE_LENGTH, `note must be at most ${MAX_CREDIT_NOTE_LENGTH} characters`)
      .optional()
      .describe("Why: an invoice number, a correction"),
  })
  .refine((request) => request.kind !== "top_up" || request.amount > 0, { message: "a top_up's amount must be greater than 0", path: ["amount"] });
export type ChangeCreditsRequest = z.infer<typeof ChangeCreditsRequest>;

export const ChangeCreditsResponse = z.object({ entry: CreditEntryData, credits: CreditsSummary });
export type ChangeCreditsResponse = z.infer<typeof ChangeCreditsResponse>;

export const SetPlanResponse = z.object({ plan: PlanData, previous: z.string(), credits: CreditsSummary });
export type SetPlanResponse = z.infer<typeof SetPlanResponse>;

export const UsageGroupBy = z.enum(["day", "key", "member", "model"], { error: "groupBy must be one of: day, key, member, model" });
export type UsageGroupBy = z.infer<typeof UsageGroupBy>;

const utcDate = (what: string) =>
  safeString({ error: `${what} must be a date` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a date as YYYY-MM-DD (UTC)`)
    .refine((text) => {
      const date = new Date(`${text}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
    }, `${what} is not a calendar date`);

export const UsageQuery = z.object({
  from: utcDate("from").optional().describe("First day (UTC), inclusive"),
  to: utcDate("to").optional().describe("Last day (UTC), inclusive; default today"),
  groupBy: UsageGroupBy.default("day"),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

export const UsageTotals = z.object({
  promptTokens: z.number().int().describe("Every prompt token, the cached ones included"),
  completionTokens: z.number().int(),
  // Optional in the schema (older clients know none); always reported.
  cacheReadTokens: z.number().int().optional().describe("Of promptTokens, read from the provider's prompt cache (billed at its lower cache-read price)"),
  cacheWriteTokens: z
    .number()
    .int()
    .optional()
    .describe("Of promptTokens, written to the provider's prompt cache (Anthropic; billed at its cache-write price)"),
  cost: z.number().describe("USD"),
  /** Runs (user messages) with at least one model call in the group. */
  runs: z.number().int(),
  /** Model calls. */
  calls: z.number().int(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

export const UsageRow = UsageTotals.extend({
  key: z.string().nullable().describe("The day (YYYY-MM-DD), API key id, member id or provider/model; null: no key or member recorded"),
  label: z.string().nullable().describe("The key's or member's name, when known"),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageResponse = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: UsageGroupBy,
  rows: z.array(UsageRow),
  total: UsageTotals,
});
export type UsageResponse = z.infer<typeof UsageResponse>;
