/** The audit log's wire shapes: the actions it records, an entry as admins read it, and the list/export filters. */
import { z } from "zod";
import { safeString } from "./text";

export const AUDIT_ACTIONS = [
  "key.created",
  "key.revoked",
  "key.expired",
  "member.added",
  "member.removed",
  "member.role_changed",
  "workspace.plan_changed",
  "credentials.stored",
  "credentials.deleted",
  "permission.granted",
  "permission.denied",
  "notification.answered",
  "session.deleted",
  "session.callbacks_changed",
  "credits.changed",
  "workspace.profile_changed",
  "knowledge.document_added",
  "knowledge.document_reindexed",
  "knowledge.document_deleted",
] as const;
export const AuditActionName = z.enum(AUDIT_ACTIONS);
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const MAX_AUDIT_PAGE = 200;
export const DEFAULT_AUDIT_PAGE = 50;

export const AuditEntryData = z.object({
  id: z.string(),
  workspaceId: z.string(),
  action: z.string().describe("One of the audited actions, e.g. credentials.stored"),
  actor: z.object({
    apiKeyId: z.string().nullable().describe("The key that acted; null for the system itself (an expiry, a timeout)"),
    memberId: z.string().nullable(),
    address: z.string().nullable().describe("The client's address as the API saw it"),
  }),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string().describe("ISO 8601"),
});
export type AuditEntryData = z.infer<typeof AuditEntryData>;

const ACTION_LIST_MESSAGE = `action must be a comma-separated list of: ${AUDIT_ACTIONS.join(", ")}`;
const actionList = safeString({ error: ACTION_LIST_MESSAGE })
  .max(2000, ACTION_LIST_MESSAGE)
  .transform((text) => text.split(",").map((part) => part.trim()))
  .pipe(z.array(z.enum(AUDIT_ACTIONS, { error: (issue) => `action '${String(issue.input)}' is not one of: ${AUDIT_ACTIONS.join(", ")}` })));

const identifier = (name: string) =>
  safeString({ error: `${name} must be a string` })
    .min(1, `${name} must not be empty`)
    .max(256, `${name} must be at most 256 characters`);

const instant = (name: string) =>
  safeString({ error: `${name} must be an ISO 8601 date-time` })
    .max(64, `${name} must be an ISO 8601 date-time`)
    .refine((text) => /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text)), `${name} must be an ISO 8601 date-time`)
    .transform((text) => new Date(text));

/** The filters of both the list and the export: every one given must match (actions: any of them). */
export const AuditFilterQuery = z.object({
  action: actionList.optional(),
  actorKeyId: identifier("actorKeyId").optional(),
  actorMemberId: identifier("actorMemberId").optional(),
  targetType: identifier("targetType").optional(),
  targetId: identifier("targetId").optional(),
  /** Inclusive. */
  from: instant("from").optional(),
  /** Exclusive. */
  to: instant("to").optional(),
});
export type AuditFilters = z.infer<typeof AuditFilterQuery>;

export const ListAuditQuery = AuditFilterQuery.extend({
  limit: safeString({ error: `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}` })
    .regex(/^\d{1,3}$/, `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}`)
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= MAX_AUDIT_PAGE, `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}`)
    .optional(),
  /** Opaque: the `X-Next-Cursor` of the previous page. */
  cursor: safeString({ error: "cursor must be a string" })
    .regex(/^[A-Za-z0-9_-]{1,400}$/, "cursor is not valid")
    .optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;
