/**
 * A workspace's profile: who the team is, its product, its voice and the facts the model must
 * respect. Any member reads it; admins change it (the API's role rule), and every change is
 * audited with the fields it touched (not their text, which may be long).
 */
import type { PrismaClient, WorkspaceProfile } from "@mix/db";
import type { Actor, AuditWriter } from "../audit/audit-entry";
import {
  PROFILE_FIELD_MAX_BYTES,
  PROFILE_FIELDS,
  PROFILE_TOTAL_MAX_BYTES,
  type ProfileField,
  type UpdateWorkspaceProfileRequest,
  type WorkspaceProfileData,
} from "../contracts";
import { payloadTooLarge } from "../errors/app-error";

const EMPTY: Omit<WorkspaceProfileData, "updatedAt"> = { team: "", product: "", voice: "", facts: "" };
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KB`;

export class WorkspaceProfileService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditWriter,
  ) {}

  async get(workspaceId: string): Promise<WorkspaceProfileData> {
    return toData(await this.prisma.workspaceProfile.findUnique({ where: { workspaceId } }));
  }

  /** The fields given replace the stored ones; a field or the whole beyond its limit answers 413 and changes nothing. */
  async update(workspaceId: string, actor: Actor, request: UpdateWorkspaceProfileRequest): Promise<WorkspaceProfileData> {
    const changed = PROFILE_FIELDS.filter((name) => request[name] !== undefined);
    for (const name of changed) checkFieldSize(name, request[name]!);
    return this.prisma.$transaction(async (tx) => {
      const current = toData(await tx.workspaceProfile.findUnique({ where: { workspaceId } }));
      const next = { ...pickFields(current), ...Object.fromEntries(changed.map((name) => [name, request[name]!])) };
      const total = PROFILE_FIELDS.reduce((sum, name) => sum + Buffer.byteLength(next[name], "utf8"), 0);
      if (total > PROFILE_TOTAL_MAX_BYTES) {
        throw payloadTooLarge(`The profile would take ${kb(total)}; all its fields together may take at most ${kb(PROFILE_TOTAL_MAX_BYTES)}`);
      }
      const row = await tx.workspaceProfile.upsert({ where: { workspaceId }, create: { workspaceId, ...next }, update: next });
      const sizes = Object.fromEntries(changed.map((name) => [name, Buffer.byteLength(next[name], "utf8")]));
      await this.audit.record(
        { workspaceId, actor, action: "workspace.profile_changed", target: { type: "workspace", id: workspaceId }, details: { fields: changed, bytes: sizes } },
        tx,
      );
      return toData(row);
    });
  }
}

function checkFieldSize(name: ProfileField, text: string): void {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > PROFILE_FIELD_MAX_BYTES) throw payloadTooLarge(`${name} takes ${kb(bytes)}; a profile field may take at most ${kb(PROFILE_FIELD_MAX_BYTES)}`);
}

function pickFields(profile: WorkspaceProfileData): Record<ProfileField, string> {
  return { team: profile.team, product: profile.product, voice: profile.voice, facts: profile.facts };
}

function toData(row: WorkspaceProfile | null): WorkspaceProfileData {
  if (!row) return { ...EMPTY, updatedAt: null };
  return { team: row.team, product: row.product, voice: row.voice, facts: row.facts, updatedAt: row.updatedAt.toISOString() };
}
