/** TodoWrite: the agent's task list, kept in the session folder as `.mix/todos.json`. */
import { z } from "zod";
import { writeFileAtomic } from "../storage/atomic-write";
import { sessionRoot } from "./paths";
import { defineTool } from "./tool";

export const TODOS_FILE = ".mix/todos.json";

const todo = z.strictObject({
  content: z.string().min(1).max(1_000).describe("What to do, in the imperative"),
  status: z.enum(["pending", "in_progress", "completed"]),
  id: z.string().max(100).optional(),
});

const input = z.strictObject({
  todos: z.array(todo).max(200).describe("The whole updated list; it replaces the previous one"),
});

const MARK = { pending: "[ ]", in_progress: "[~]", completed: "[x]" } as const;

export const todoWriteTool = defineTool({
  name: "TodoWrite",
  description:
    "Replaces the session's task list with `todos` and returns it. Use it for work with several steps: list the steps, " +
    "mark one in_progress while working on it and completed as soon as it is done. Send the whole list every time.",
  inputSchema: input,
  readOnly: true, // only the agent's own bookkeeping, so plan mode may use it
  requiresPermission: false,
  category: "planning",
  async execute({ todos }, context) {
    // Written aside and renamed in, so a reader never sees half a list and a planted link is replaced.
    await writeFileAtomic(await sessionRoot(context), TODOS_FILE, `${JSON.stringify({ todos }, null, 2)}\n`, { owner: context.sandbox.fileOwner });
    if (todos.length === 0) return "Todo list cleared";
    return todos.map((item, index) => `${index + 1}. ${MARK[item.status]} ${item.content}`).join("\n");
  },
});
