/** What a permission request shows: one line per tool, whatever shape the model's input has. */
import { describePermission, PARAM_STRING_MAX_CHARS, permissionParams } from "./permission-description";

it("describes each kind of tool call in one line", () => {
  expect(describePermission("Bash", { command: "ls -la" })).toEqual({ action: "execute", description: "Run `ls -la`" });
  expect(describePermission("Write", { file_path: "notes.md", content: "x" })).toEqual({ action: "write", description: "Write notes.md", path: "notes.md" });
  expect(describePermission("Edit", { file_path: "src/a.ts" })).toEqual({ action: "edit", description: "Edit src/a.ts", path: "src/a.ts" });
  expect(describePermission("web_fetch", { url: "https://example.com" })).toEqual({
    action: "fetch",
    description: "Fetch https://example.com",
    path: "https://example.com",
  });
  expect(describePermission("ReadText", { file_path: "a.txt" })).toEqual({ action: "read", description: "Read a.txt", path: "a.txt" });
  expect(describePermission("list_directory", {})).toEqual({ action: "read", description: "List .", path: undefined });
  expect(describePermission("Grep", { pattern: "TODO", path: "src" })).toEqual({ action: "read", description: "Search for `TODO` in src", path: "src" });
  expect(describePermission("github_create_issue", { title: "x" })).toEqual({ action: "call", description: "Call github_create_issue" });
});

it("falls back to a generic line when the input is missing, malformed or blank", () => {
  expect(describePermission("Bash", undefined)).toEqual({ action: "execute", description: "Run a shell command" });
  expect(describePermission("Bash", { command: 42 })).toEqual({ action: "execute", description: "Run a shell command" });
  expect(describePermission("Write", ["notes.md"])).toEqual({ action: "write", description: "Write a file" });
  expect(describePermission("web_fetch", { url: "   " })).toEqual({ action: "fetch", description: "Fetch a web page" });
});

it("keeps the line short and on one line for a huge multi-line command", () => {
  const { description } = describePermission("Bash", { command: `echo start\n${"x".repeat(10_000)}` });
  expect(description.startsWith("Run `echo start xxx")).toBe(true);
  expect(description).not.toContain("\n");
  expect(description.length).toBeLessThan(220);
});

it("carries the input as params, shortening only very long strings", () => {
  expect(permissionParams({ command: "ls", timeout: 5 })).toEqual({ command: "ls", timeout: 5 });
  expect(permissionParams(undefined)).toBeUndefined();
  expect(permissionParams("just text")).toEqual({ input: "just text" });
  const huge = "y".repeat(PARAM_STRING_MAX_CHARS + 500);
  const params = permissionParams({ file_path: "big.txt", content: huge, nested: [{ text: huge }] })!;
  expect(params.file_path).toBe("big.txt");
  expect(params.content).toBe(`${huge.slice(0, PARAM_STRING_MAX_CHARS)}… (500 more characters)`);
  expect((params.nested as { text: string }[])[0]!.text).toBe(params.content);
});

it("says what a browser tool will do to the page", () => {
  expect(describePermission("browser_navigate", { url: "https://example.com/login" })).toEqual({
    action: "fetch",
    description: "Open https://example.com/login in the browser",
    path: "https://example.com/login",
  });
  expect(describePermission("browser_click", { text: "Sign in" }).description).toBe("Click `Sign in` in the browser");
  expect(describePermission("browser_type", { selector: "#password", text: "hunter2" }).description).toBe("Type into `#password` in the browser");
  expect(describePermission("browser_select", { selector: "#country", value: "fr" }).description).toBe("Choose an option of `#country` in the browser");
  expect(describePermission("browser_download", { url: "https://example.com/r.pdf", file_name: "r.pdf" })).toEqual({
    action: "write",
    description: "Download https://example.com/r.pdf into r.pdf",
    path: "r.pdf",
  });
  expect(describePermission("browser_evaluate", { script: "document.title" })).toEqual({
    action: "execute",
    description: "Run a script in the browser's page",
  });
  expect(describePermission("browser_future_tool", {})).toEqual({ action: "call", description: "Call browser_future_tool" });
});
