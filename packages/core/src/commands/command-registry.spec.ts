import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { AppError } from "../errors/app-error";
import { MAX_MESSAGE_TEXT_LENGTH } from "../contracts";
import { COMMANDS_RESCAN_INTERVAL_MS, CommandRegistry } from "./command-registry";

let dir: string;
let clock: number;
let warnings: string[];
let registry: CommandRegistry;

/** A real pino logger whose lines the test reads. */
function capturingLogger() {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString()) as { level: number; msg: string; path?: string };
      if (line.level >= 40) warnings.push(`${line.msg} ${line.path ?? ""}`);
      done();
    },
  });
  return pino({ level: "debug" }, stream);
}

const write = (name: string, text: string) => writeFile(join(dir, name), text);
/** Moves the clock past the rescan interval, as a second passing would. */
const tick = () => (clock += COMMANDS_RESCAN_INTERVAL_MS);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mix-commands-"));
  clock = 0;
  warnings = [];
  registry = new CommandRegistry({ dir, logger: capturingLogger(), now: () => clock });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("CommandRegistry", () => {
  it("keeps /compact as typed, with what the summary should focus on: its run compacts instead of asking the model", async () => {
    expect(await registry.expandCommand("/compact")).toBe("/compact");
    expect(await registry.expandCommand("/compact focus on the API")).toBe("/compact focus on the API");
    expect(await registry.get("compact")).toMatchObject({ usage: "/compact [what the summary should focus on]" });
  });

  it("lists the built-ins when the folder does not exist, without a warning", async () => {
    const missing = new CommandRegistry({ dir: join(dir, "absent"), logger: capturingLogger() });
    expect((await missing.list()).map((command) => command.name)).toEqual(["help", "review", "summarize", "compact"]);
    expect(warnings).toEqual([]);
  });

  it("adds custom commands after the built-ins, with usage from the argument hint", async () => {
    await write("fix-issue.md", "---\ndescription: Fix an issue\nargument-hint: <number>\n---\nFix issue #$1");
    await write("plain.md", "Explain the code base.\nIn detail.");
    expect(await registry.list()).toEqual([
      { name: "help", description: expect.any(String) },
      { name: "review", description: expect.any(String) },
      { name: "summarize", description: "Summarize the given text" },
      { name: "compact", description: expect.any(String) },
      { name: "fix-issue", description: "Fix an issue" },
      { name: "plain", description: "Explain the code base." },
    ]);
    expect(await registry.get("fix-issue")).toEqual({ name: "fix-issue", description: "Fix an issue", usage: "/fix-issue <number>" });
    expect(await registry.get("plain")).toMatchObject({ usage: "/plain" });
    expect(await registry.get("review")).toMatchObject({ usage: "/review <code or text>" });
  });

  it("answers 404 for an unknown command", async () => {
    await expect(registry.get("nope")).rejects.toMatchObject({ status: 404, message: "Command not found" });
  });

  it("ignores, with a warning each, bad names, bad files, empty files and a built-in's name", async () => {
    await write("Bad Name.md", "x");
    await write("notes.txt", "x");
    await mkdir(join(dir, "sub.md"));
    await write("broken.md", "---\ndescription: never closed\n");
    await write("empty.md", "");
    await write("summarize.md", "Mine instead: $ARGUMENTS");
    await write(".hidden.md", "x");
    await write("good.md", "Good $ARGUMENTS");
    expect((await registry.list()).map((command) => command.name)).toEqual(["help", "review", "summarize", "compact", "good"]);
    expect(await registry.expandCommand("/summarize x")).toBe("Summarize: x");
    expect(warnings).toEqual([
      expect.stringContaining("Bad Name.md"),
      expect.stringMatching(/cannot read command file.*broken\.md/),
      expect.stringMatching(/no prompt.*empty\.md/),
      expect.stringContaining("notes.txt"),
      expect.stringContaining("sub.md"),
      expect.stringMatching(/built-in is kept.*summarize\.md/),
    ]);
    tick();
    await registry.list();
    expect(warnings).toHaveLength(6); // an unchanged folder is not read or reported again
  });

  it("expands built-in and custom commands, and is null for anything else", async () => {
    await write("greet.md", "---\nargument-hint: <first> <last>\n---\nGreet $1 (surname $2). Full: $ARGUMENTS");
    expect(await registry.expandCommand("/summarize hello world")).toBe("Summarize: hello world");
    expect(await registry.expandCommand("/greet Ada Lovelace")).toBe("Greet Ada (surname Lovelace). Full: Ada Lovelace");
    expect(await registry.expandCommand("/unknown thing")).toBeNull();
    expect(await registry.expandCommand("plain text")).toBeNull();
    const help = await registry.expandCommand("/help");
    expect(help).toContain("- /summarize <text>: Summarize the given text");
    expect(help).toContain("- /greet <first> <last>: Greet $1 (surname $2). Full: $ARGUMENTS");
  });

  it("refuses (400) an expansion that is empty or longer than a message may be", async () => {
    await write("echo.md", "$ARGUMENTS");
    await write("twice.md", "$ARGUMENTS $ARGUMENTS");
    await expect(registry.expandCommand("/echo")).rejects.toThrow("/echo needs arguments: /echo");
    const half = "x".repeat(MAX_MESSAGE_TEXT_LENGTH / 2 + 1);
    await expect(registry.expandCommand(`/twice ${half}`)).rejects.toBeInstanceOf(AppError);
  });

  it("picks up added, edited and removed files at most once per rescan interval", async () => {
    await write("note.md", "---\ndescription: First\n---\nv1 $ARGUMENTS");
    expect(await registry.get("note")).toMatchObject({ description: "First" });

    await write("note.md", "---\ndescription: Second version\n---\nv2 $ARGUMENTS");
    await utimes(join(dir, "note.md"), new Date(), new Date(Date.now() + 5_000));
    await write("added.md", "Added");
    expect(await registry.get("note")).toMatchObject({ description: "First" }); // within the interval: no look
    clock += COMMANDS_RESCAN_INTERVAL_MS - 1;
    expect(await registry.get("note")).toMatchObject({ description: "First" });

    clock += 1;
    expect(await registry.get("note")).toMatchObject({ description: "Second version" });
    expect(await registry.expandCommand("/note x")).toBe("v2 x");
    expect(await registry.get("added")).toMatchObject({ usage: "/added" });

    await rm(join(dir, "added.md"));
    tick();
    await expect(registry.get("added")).rejects.toMatchObject({ status: 404 });
  });

  it("lets concurrent callers share one scan", async () => {
    await write("one.md", "One");
    const lists = await Promise.all([registry.list(), registry.list(), registry.get("one")]);
    expect(lists[1].map((command) => command.name)).toContain("one"); // not an empty answer from a throttled caller
    expect(lists[0]).toEqual(lists[1]);
    expect(lists[2]).toMatchObject({ name: "one" });
  });
});
