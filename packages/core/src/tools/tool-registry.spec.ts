/** The registry: one of each tool, plan mode offers read-only tools, and the planning tools. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../config/config";
import { exitPlanModeTool } from "./exit-plan-mode";
import { TODOS_FILE } from "./todo-write";
import { BUILTIN_TOOLS, ToolRegistry, toolLimits } from "./tool-registry";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

const registry = new ToolRegistry();

describe("ToolRegistry", () => {
  it("offers every run the same frozen schema of a tool: what a run derives from it is kept, and no caller can change it", () => {
    const first = registry.definitions({ planMode: false });
    const second = new ToolRegistry().definitions({ planMode: false });
    expect(second.map((definition) => definition.inputSchema)).toEqual(first.map((definition) => definition.inputSchema));
    second.forEach((definition, i) => expect(definition.inputSchema).toBe(first[i]!.inputSchema));
    expect(first.every((definition) => Object.isFrozen(definition.inputSchema))).toBe(true);
    expect(() => {
      "use strict";
      (first[0]!.inputSchema as Record<string, unknown>).type = "string";
    }).toThrow(TypeError);
  });

  it("holds every built-in tool with its permission and read-only flags", () => {
    const flags = Object.fromEntries(registry.list().map((tool) => [tool.name, { readOnly: tool.readOnly, permission: tool.requiresPermission }]));
    expect(flags).toEqual({
      Bash: { readOnly: false, permission: true },
      python_execution: { readOnly: false, permission: true },
      ReadText: { readOnly: true, permission: false },
      Write: { readOnly: false, permission: true },
      Edit: { readOnly: false, permission: true },
      Glob: { readOnly: true, permission: false },
      Grep: { readOnly: true, permission: false },
      list_directory: { readOnly: true, permission: false },
      web_fetch: { readOnly: true, permission: true },
      // It sends the query to a third party, but changes nothing and reads nothing of the session's.
      Search: { readOnly: true, permission: false },
      // It reads only the workspace's own documents, on the server.
      knowledge_search: { readOnly: true, permission: false },
      TodoWrite: { readOnly: true, permission: false },
      ExitPlanMode: { readOnly: true, permission: false },
      // It changes nothing the session holds: a question is fine in plan mode.
      notify_user: { readOnly: true, permission: false },
      // Its subagent asks for permission itself, and obeys plan mode.
      Task: { readOnly: true, permission: false },
      // Both only read the session folder; Show's files reach the user through the client.
      ReadMedia: { readOnly: true, permission: false },
      Show: { readOnly: true, permission: false },
      // The browser: what changes a page (or the session folder, or runs the agent's script) asks first.
      browser_navigate: { readOnly: false, permission: true },
      browser_click: { readOnly: false, permission: true },
      browser_type: { readOnly: false, permission: true },
      browser_select: { readOnly: false, permission: true },
      // It moves the viewport only.
      browser_scroll: { readOnly: true, permission: false },
      browser_wait_for: { readOnly: true, permission: false },
      browser_read: { readOnly: true, permission: false },
      // It writes only the picture it is asked for, inside the session folder.
      browser_screenshot: { readOnly: true, permission: false },
      browser_download: { readOnly: false, permission: true },
      browser_evaluate: { readOnly: false, permission: true },
    });
    expect(registry.get("Edit")?.category).toBe("files");
    expect(registry.get("Nope")).toBeUndefined();
  });

  it("refuses two tools of the same name at construction", () => {
    expect(() => new ToolRegistry([...BUILTIN_TOOLS, { ...exitPlanModeTool }])).toThrow("Duplicate tool name: ExitPlanMode");
  });

  it("offers only read-only tools in plan mode", () => {
    const names = (planMode: boolean) => registry.definitions({ planMode }).map((definition) => definition.name);
    expect(names(false)).toHaveLength(BUILTIN_TOOLS.length);
    expect(names(true).sort()).toEqual(
      [
        "ExitPlanMode",
        "Glob",
        "Grep",
        "ReadText",
        "Task",
        "TodoWrite",
        "list_directory",
        "notify_user",
        "web_fetch",
        "Search",
        "knowledge_search",
        "ReadMedia",
        "Show",
        "browser_scroll",
        "browser_wait_for",
        "browser_read",
        "browser_screenshot",
      ].sort(),
    );
    for (const name of names(true)) expect(registry.get(name)?.readOnly).toBe(true);
  });

  it("describes inputs as JSON Schema, defaulted fields optional", () => {
    const edit = registry.definitions({ planMode: false }).find((definition) => definition.name === "Edit")!;
    expect(edit.description.length).toBeGreaterThan(40);
    expect(edit.inputSchema).toMatchObject({
      type: "object",
      required: ["file_path", "old_string", "new_string"],
      properties: { replace_all: { type: "boolean", default: false } },
      additionalProperties: false,
    });
    expect(edit.inputSchema.$schema).toBeUndefined();
  });
});

describe("running tools through the registry", () => {
  let fixture: SessionDirFixture;
  beforeEach(async () => {
    fixture = await makeSessionDir();
  });
  afterEach(() => fixture.cleanup());

  it("reports an unknown tool and input that is not JSON as error results", async () => {
    expect(await registry.run("Nope", "{}", fixture.context)).toMatchObject({
      isError: true,
      output: expect.stringMatching(/^Unknown tool Nope; available: Bash/),
    });
    expect(await registry.run("list_directory", "{oops", fixture.context)).toMatchObject({ isError: true, output: expect.stringMatching(/not valid JSON/) });
  });

  it("TodoWrite stores the list in .mix/todos.json and returns it", async () => {
    const todos = [
      { content: "Read the code", status: "completed" },
      { content: "Write the tests", status: "in_progress" },
      { content: "Ship", status: "pending" },
    ];
    const result = await registry.run("TodoWrite", JSON.stringify({ todos }), fixture.context);
    expect(result).toEqual({ isError: false, output: "1. [x] Read the code\n2. [~] Write the tests\n3. [ ] Ship" });
    expect(JSON.parse(await readFile(path.join(fixture.context.sessionDir, TODOS_FILE), "utf8"))).toEqual({ todos });
    expect((await registry.run("TodoWrite", JSON.stringify({ todos: [{ content: "x", status: "done" }] }), fixture.context)).isError).toBe(true);
  });

  it("ExitPlanMode returns the plan text", async () => {
    expect(await registry.run("ExitPlanMode", JSON.stringify({ plan: "1. Do it\n2. Test it" }), fixture.context)).toEqual({
      isError: false,
      output: "1. Do it\n2. Test it",
    });
  });
});

describe("toolLimits", () => {
  it("keeps private networks closed unless FETCH_ALLOW_PRIVATE_NETWORKS is true", () => {
    const base = { DATABASE_URL: "postgresql://u@localhost:5432/db" };
    expect(toolLimits(loadConfig(base))).toEqual({ allowPrivateNetworks: false });
    expect(toolLimits(loadConfig({ ...base, FETCH_ALLOW_PRIVATE_NETWORKS: "true" }))).toEqual({ allowPrivateNetworks: true });
    expect(() => loadConfig({ ...base, FETCH_ALLOW_PRIVATE_NETWORKS: "maybe" })).toThrow(/FETCH_ALLOW_PRIVATE_NETWORKS/);
  });
});
