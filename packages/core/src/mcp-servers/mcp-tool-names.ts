/**
 * The names the agent sees for MCP tools: `<server>_<tool>`, as the contract's ToolName pattern
 * `^[a-zA-Z0-9_]+_[a-zA-Z0-9_]+$` spells them. Providers reject names over 64 characters or
 * with other characters, so both parts are rewritten to [A-Za-z0-9_] and the result is capped
 * at 64 (the server's part at 32, so the tool's part always survives). A name already taken (two
 * servers that differ only in rewritten characters, two long names alike in their first 64)
 * ends in a short hash of the original pair instead.
 */
import { createHash } from "node:crypto";

export const MCP_TOOL_NAME_MAX = 64;
const SERVER_PART_MAX = 32;

const sanitize = (part: string) => part.replace(/[^A-Za-z0-9_]/g, "_") || "_";

/** The agent's name for each tool of each server, in the same order; unique within the list. */
export function agentToolNames(servers: readonly { server: string; tools: readonly string[] }[]): string[][] {
  const taken = new Set<string>();
  return servers.map(({ server, tools }) =>
    tools.map((tool) => {
      const serverPart = sanitize(server).slice(0, SERVER_PART_MAX);
      let name = `${serverPart}_${sanitize(tool)}`.slice(0, MCP_TOOL_NAME_MAX);
      if (taken.has(name)) {
        const hash = createHash("sha256").update(`${server}\u0000${tool}`).digest("hex").slice(0, 8);
        name = `${name.slice(0, MCP_TOOL_NAME_MAX - hash.length - 1)}_${hash}`;
      }
      taken.add(name);
      return name;
    }),
  );
}
