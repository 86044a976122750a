/** The workspace profile's wire shapes: `GET/PUT /api/workspace/profile` and the MCP tools of the same name. */
import { z } from "zod";
import { safeString } from "./text";

/** Largest field of a profile, in UTF-8 bytes; larger answers 413. */
export const PROFILE_FIELD_MAX_BYTES = 8 * 1024;
/** Largest profile, all fields together, in UTF-8 bytes. */
export const PROFILE_TOTAL_MAX_BYTES = 16 * 1024;
export const PROFILE_FIELDS = ["team", "product", "voice", "facts"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const field = (name: ProfileField, what: string) => safeString({ error: `${name} must be a string` }).describe(what);

const DESCRIPTIONS: Record<ProfileField, string> = {
  team: "Who the team is: its name, what it does, who it serves",
  product: "Its product or service, as the model should describe it",
  voice: "How answers should sound: tone, style, words to use or avoid",
  facts: "Facts the model must respect (prices, names, dates, policies)",
};

export const WorkspaceProfileData = z.object({
  team: z.string().describe(DESCRIPTIONS.team),
  product: z.string().describe(DESCRIPTIONS.product),
  voice: z.string().describe(DESCRIPTIONS.voice),
  facts: z.string().describe(DESCRIPTIONS.facts),
  updatedAt: z.string().nullable().describe("ISO 8601; null: never set (an empty profile)"),
});
export type WorkspaceProfileData = z.infer<typeof WorkspaceProfileData>;

/** The fields given replace the stored ones; those left out stay; "" clears one. */
export const UpdateWorkspaceProfileRequest = z.strictObject({
  team: field("team", DESCRIPTIONS.team).optional(),
  product: field("product", DESCRIPTIONS.product).optional(),
  voice: field("voice", DESCRIPTIONS.voice).optional(),
  facts: field("facts", DESCRIPTIONS.facts).optional(),
});
export type UpdateWorkspaceProfileRequest = z.infer<typeof UpdateWorkspaceProfileRequest>;
