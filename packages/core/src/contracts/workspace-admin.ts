/** `/api/workspace`: the workspace itself, its members and its API keys (managed by admins). */
import { z } from "zod";
import { Role } from "./roles";
import { safeString } from "./text";

export const MAX_NAME_LENGTH = 200;
/** RFC 5321's limit of a forward path. */
export const MAX_EMAIL_LENGTH = 254;
const ROLE_MESSAGE = `role must be one of: ${Role.options.join(", ")}`;

const name = (what: string) =>
  safeString({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} is required`)
    .max(MAX_NAME_LENGTH, `${what} must be at most ${MAX_NAME_LENGTH} characters`);
const role = z.enum(Role.options, { error: ROLE_MESSAGE });
const id = (what: string) =>
  safeString({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(100, `${what} must be at most 100 characters`);

/** Stored lower-case, so one address is one member however it is typed. */
export const MemberEmail = safeString({ error: "email must be a string" })
  .trim()
  .max(MAX_EMAIL_LENGTH, `email must be at most ${MAX_EMAIL_LENGTH} characters`)
  .pipe(z.email("email must be an email address"))
  .transform((email) => email.toLowerCase());

export const AddMemberRequest = z.strictObject({
  name: name("name").describe("The member's name"),
  email: MemberEmail.describe("The member's email address: one member per address in a workspace"),
  role: role.default("member").describe("What the member (and keys made for it) may do; owner and admin only an owner may grant"),
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const UpdateMemberRequest = z.strictObject({ role: role.describe("The member's new role; its keys above it are lowered to it") });
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequest>;

export const ListMembersQuery = z.object({
  includeRemoved: z
    .enum(["true", "false"], { error: "includeRemoved must be true or false" })
    .optional()
    .transform((value) => value === "true"),
});
export type ListMembersQuery = z.infer<typeof ListMembersQuery>;

export const MemberData = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: Role,
  createdAt: z.string().describe("ISO 8601"),
  removedAt: z.string().nullable().describe("When the member was removed (its keys were revoked then); null while a member"),
});
export type MemberData = z.infer<typeof MemberData>;

export const ListMembersResponse = z.object({ members: z.array(MemberData) });
export type ListMembersResponse = z.infer<typeof ListMembersResponse>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const EXPIRY_MESSAGE = "expiresAt must be an ISO 8601 date (2026-12-31) or date-time with a zone (2026-12-31T18:00:00Z)";

export const CreateKeyRequest = z.strictObject({
  name: name("name").describe("What the key is for, e.g. 'ci' or 'alice laptop'; a service's key is named by it"),
  role: role.describe("What the key may do: at most its member's role, and owner or admin only if an owner creates it"),
  memberId: id("memberId").optional().describe("The member who owns the key; without it the key belongs to the service named by `name`"),
  expiresAt: safeString({ error: EXPIRY_MESSAGE })
    .regex(ISO_DATE, EXPIRY_MESSAGE)
    .refine((text) => !Number.isNaN(Date.parse(text)), EXPIRY_MESSAGE)
    .transform((text) => new Date(text))
    .optional()
    .describe("When the key stops working (must be in the future); a date alone means its midnight UTC"),
});
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

export const KeyStatus = z.enum(["active", "expired", "revoked"]);
export type KeyStatus = z.infer<typeof KeyStatus>;

export const ApiKeyData = z.object({
  id: z.string(),
  prefix: z.string().describe("The key's first characters, to recognise it; the key itself is never shown again"),
  name: z.string(),
  role: Role,
  status: KeyStatus,
  member: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable().describe("Its member; null for a service's key (named by `name`)"),
  createdAt: z.string().describe("ISO 8601"),
  lastUsedAt: z.string().nullable().describe("Last request made with it, to the minute"),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable().describe("When it was revoked, or noticed expired"),
});
export type ApiKeyData = z.infer<typeof ApiKeyData>;

export const CreateKeyResponse = z.object({
  key: ApiKeyData,
  secret: z.string().describe("The API key itself: shown only in this answer, only its digest is stored"),
});
export type CreateKeyResponse = z.infer<typeof CreateKeyResponse>;

export const ListKeysResponse = z.object({ keys: z.array(ApiKeyData) });
export type ListKeysResponse = z.infer<typeof ListKeysResponse>;

export const CreateWorkspaceRequest = z.strictObject({ name: name("name").describe("The workspace's name") });
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequest>;

export const WorkspaceData = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  role: Role.describe("The calling key's role"),
  apiKeyId: z.string().describe("The calling key"),
  memberId: z.string().nullable().describe("The calling key's member; null for a service's key"),
});
export type WorkspaceData = z.infer<typeof WorkspaceData>;
