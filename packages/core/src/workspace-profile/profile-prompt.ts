/** The workspace profile as the model reads it: a section of the system prompt, empty when nothing is set. */
import type { WorkspaceProfileData } from "../contracts";

const HEADINGS = { team: "Who we are", product: "Our product", voice: "Voice and style", facts: "Facts to respect" } as const;

export function profilePrompt(profile: Pick<WorkspaceProfileData, keyof typeof HEADINGS>): string {
  const parts = (Object.keys(HEADINGS) as (keyof typeof HEADINGS)[])
    .filter((name) => profile[name].trim() !== "")
    .map((name) => `### ${HEADINGS[name]}\n${profile[name].trim()}`);
  if (parts.length === 0) return "";
  return [
    "## Workspace profile",
    "You work for the team described here. Follow its voice, and never contradict its facts; when a question touches them, answer from them.",
    ...parts,
  ].join("\n\n");
}
