/** `GET /api/commands` and `GET /api/commands/{name}`: the slash commands a message may start with. */
import { z } from "zod";

export const CommandSummary = z.object({
  name: z.string().describe("Command name"),
  description: z.string().describe("Command description"),
});
export type CommandSummary = z.infer<typeof CommandSummary>;

export const CommandDetails = CommandSummary.extend({
  usage: z.string().describe("Command usage instructions, e.g. `/review <code or text>`"),
});
export type CommandDetails = z.infer<typeof CommandDetails>;
