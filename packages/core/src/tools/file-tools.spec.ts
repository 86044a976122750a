/** ReadText, Write, Edit, list_directory, Glob and Grep on a real folder, and every way out of it refused. */
import { link, lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { editTool } from "./edit";
import { globTool } from "./glob";
import { grepTool } from "./grep";
import { lsTool } from "./ls";
import { readTextTool } from "./read-text";
import { writeTool } from "./write";
import type { ToolContext } from "./tool";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let fixture: SessionDirFixture;
let context: ToolContext;
const file = (name: string) => path.join(context.sessionDir, name);

beforeEach(async () => {
  fixture = await makeSessionDir();
  context = fixture.context;
});
afterEach(() => fixture.cleanup());

describe("Write and ReadText", () => {
  it("creates the session folder and nested folders, then reads the file back numbered", async () => {
    const written = await writeTool.run({ file_path: "src/notes.txt", content: "alpha\nbeta\ngamma\n" }, context);
    expect(written).toEqual({ isError: false, output: "Created src/notes.txt (17 bytes)" });
    expect(await readFile(file("src/notes.txt"), "utf8")).toBe("alpha\nbeta\ngamma\n");

    const read = await readTextTool.run({ file_path: "src/notes.txt" }, context);
    expect(read).toEqual({ isError: false, output: "     1\talpha\n     2\tbeta\n     3\tgamma" });
  });

  it("accepts an absolute path inside the session folder and pages with offset and limit", async () => {
    await writeTool.run({ file_path: file("n.txt"), content: "1\n2\n3\n4\n5" }, context);
    const read = await readTextTool.run({ file_path: file("n.txt"), offset: 2, limit: 2 }, context);
    expect(read.isError).toBe(false);
    expect(read.output).toBe("     2\t2\n     3\t3\n[lines 2-3 of 5; pass offset 4 to read on]");
  });

  it("accepts paths as the sandbox shows the session folder (/workspace), and nothing else of it", async () => {
    await writeTool.run({ file_path: "/workspace/from-bash.txt", content: "seen by pwd" }, context);
    expect(await readFile(file("from-bash.txt"), "utf8")).toBe("seen by pwd");
    expect((await readTextTool.run({ file_path: "/workspace/from-bash.txt" }, context)).output).toBe("     1\tseen by pwd");
    expect((await lsTool.run({ path: "/workspace" }, context)).output).toContain("from-bash.txt");
    expect((await readTextTool.run({ file_path: "/workspace/../outside.txt" }, context)).isError).toBe(true);
    expect((await readTextTool.run({ file_path: "/workspacefoo/x" }, context)).output).toMatch(/outside the session folder/);
  });

  it("replaces a hard link or a symlink at the target instead of writing through it", async () => {
    // Files of the agent's own making: a hard link to a file outside could not be made from the
    // sandbox (another mount), but one inside stands for "someone else's inode".
    const victim = path.join(fixture.base, "victim.txt");
    await writeFile(victim, "not yours");
    await mkdir(context.sessionDir, { recursive: true });
    await link(victim, file("hard.txt"));
    await writeFile(file("inner.txt"), "kept");
    await symlink("inner.txt", file("soft.txt"));
    await symlink(victim, file("outward.txt"));
    await writeTool.run({ file_path: "hard.txt", content: "written" }, context);
    await editTool.run({ file_path: "hard.txt", old_string: "written", new_string: "edited" }, context);
    await writeTool.run({ file_path: "soft.txt", content: "written" }, context);
    expect((await writeTool.run({ file_path: "outward.txt", content: "x" }, context)).output).toMatch(/^Refused path/);
    expect(await readFile(victim, "utf8")).toBe("not yours");
    expect(await readFile(file("hard.txt"), "utf8")).toBe("edited");
    expect(await readFile(file("inner.txt"), "utf8")).toBe("kept");
    expect((await lstat(file("soft.txt"))).isSymbolicLink()).toBe(false);
  });

  it("reports a missing file, a folder and a binary file as errors", async () => {
    await mkdir(file("dir"), { recursive: true });
    await writeFile(file("blob.bin"), Buffer.from([1, 2, 0, 3]));
    expect(await readTextTool.run({ file_path: "nope.txt" }, context)).toEqual({ isError: true, output: "File not found: nope.txt" });
    expect((await readTextTool.run({ file_path: "dir" }, context)).output).toMatch(/is a directory/);
    expect((await readTextTool.run({ file_path: "blob.bin" }, context)).output).toMatch(/binary/);
  });

  it("reports input that does not match the schema as an error result", async () => {
    const result = await readTextTool.run({ path: "x" }, context);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/Invalid input for ReadText/);
  });
});

describe("paths leaving the session folder are refused", () => {
  beforeEach(async () => {
    await mkdir(context.sessionDir, { recursive: true });
    await symlink(path.join(fixture.base, "outside.txt"), file("leak.txt"));
    await symlink(fixture.base, file("up"));
  });

  it.each(["../outside.txt", "a/../../outside.txt", "/etc/passwd", "leak.txt", "up/outside.txt"])("ReadText %s", async (name) => {
    const result = await readTextTool.run({ file_path: name }, context);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Refused path/);
    expect(result.output).not.toMatch(/secret/);
  });

  it("refuses writes through ../, an absolute path outside and a linked folder, leaving the target untouched", async () => {
    for (const name of ["../outside.txt", path.join(fixture.base, "outside.txt"), "up/outside.txt", "leak.txt"]) {
      const result = await writeTool.run({ file_path: name, content: "pwned" }, context);
      expect(result).toMatchObject({ isError: true, output: expect.stringMatching(/^Refused path/) });
    }
    expect(await readFile(path.join(fixture.base, "outside.txt"), "utf8")).toBe("secret outside the session");
  });

  it("refuses list_directory, Glob and Grep outside, and never lists or searches through a link leaving the folder", async () => {
    expect((await lsTool.run({ path: ".." }, context)).isError).toBe(true);
    expect((await globTool.run({ pattern: "*", path: "/etc" }, context)).isError).toBe(true);
    expect((await globTool.run({ pattern: "../*" }, context)).output).toMatch(/must not contain '\.\.'/);
    expect((await grepTool.run({ pattern: "secret", path: "../" }, context)).isError).toBe(true);
    expect(await grepTool.run({ pattern: "secret" }, context)).toEqual({ isError: false, output: "No matches for /secret/" });
    expect((await globTool.run({ pattern: "**/*.txt" }, context)).output).toBe("No files match **/*.txt");
  });
});

describe("Edit", () => {
  beforeEach(() => writeTool.run({ file_path: "a.ts", content: "let x = 1;\nlet y = 1;\nlet z = 2;\n" }, context));

  it("replaces a unique match, keeping $-patterns in new_string literal", async () => {
    const result = await editTool.run({ file_path: "a.ts", old_string: "let z = 2;", new_string: "let z = '$&';" }, context);
    expect(result).toEqual({ isError: false, output: "Edited a.ts: 1 replacement" });
    expect(await readFile(file("a.ts"), "utf8")).toBe("let x = 1;\nlet y = 1;\nlet z = '$&';\n");
  });

  it("refuses an ambiguous match without replace_all, and replaces all with it", async () => {
    const ambiguous = await editTool.run({ file_path: "a.ts", old_string: "= 1;", new_string: "= 3;" }, context);
    expect(ambiguous).toMatchObject({ isError: true, output: expect.stringMatching(/occurs 2 times.*replace_all/) });
    expect(await readFile(file("a.ts"), "utf8")).toContain("let x = 1;");

    const all = await editTool.run({ file_path: "a.ts", old_string: "= 1;", new_string: "= 3;", replace_all: true }, context);
    expect(all).toEqual({ isError: false, output: "Edited a.ts: 2 replacements" });
    expect(await readFile(file("a.ts"), "utf8")).toBe("let x = 3;\nlet y = 3;\nlet z = 2;\n");
  });

  it("reports a missing old_string and a missing file", async () => {
    expect(await editTool.run({ file_path: "a.ts", old_string: "nothing", new_string: "x" }, context)).toMatchObject({
      isError: true,
      output: expect.stringMatching(/not found in a\.ts/),
    });
    expect((await editTool.run({ file_path: "b.ts", old_string: "a", new_string: "b" }, context)).output).toMatch(/File not found: b\.ts/);
  });
});

describe("list_directory, Glob and Grep", () => {
  beforeEach(async () => {
    await writeTool.run({ file_path: "src/b.ts", content: "export const beta = 2;\n" }, context);
    await writeTool.run({ file_path: "src/a.ts", content: "// TODO alpha\nexport const alpha = 1;\n" }, context);
    await writeTool.run({ file_path: "README.md", content: "todo: docs\n" }, context);
    await mkdir(file(".thumbs"), { recursive: true });
    await writeFile(file(".thumbs/x.ts"), "TODO hidden store file");
  });

  it("list_directory lists folders and files with sizes, hiding the store's folders", async () => {
    expect(await lsTool.run({}, context)).toEqual({ isError: false, output: ".:\nREADME.md (11 bytes)\nsrc/" });
    expect((await lsTool.run({ path: "src" }, context)).output).toBe("src:\na.ts (38 bytes)\nb.ts (23 bytes)");
  });

  it("Glob matches at any depth, sorted, relative to the session folder", async () => {
    expect((await globTool.run({ pattern: "**/*.ts" }, context)).output).toBe("src/a.ts\nsrc/b.ts");
    expect((await globTool.run({ pattern: "*.ts", path: "src" }, context)).output).toBe("src/a.ts\nsrc/b.ts");
    expect((await globTool.run({ pattern: "*.md" }, context)).output).toBe("README.md");
  });

  it("Grep finds lines by regex with a glob filter and case option", async () => {
    expect((await grepTool.run({ pattern: "TODO" }, context)).output).toBe("src/a.ts:1: // TODO alpha");
    expect((await grepTool.run({ pattern: "todo", ignore_case: true }, context)).output).toBe("README.md:1: todo: docs\nsrc/a.ts:1: // TODO alpha");
    expect((await grepTool.run({ pattern: "const \\w+", glob: "**/b.ts" }, context)).output).toBe("src/b.ts:1: export const beta = 2;");
    expect((await grepTool.run({ pattern: "(" }, context)).output).toMatch(/Invalid regular expression/);
  });
});
