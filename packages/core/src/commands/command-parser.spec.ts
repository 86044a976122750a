import { CommandFileError, isValidCommandName, parseCommandFile } from "./command-parser";

describe("parseCommandFile", () => {
  it("reads a file without front matter as all prompt", () => {
    expect(parseCommandFile("Explain $ARGUMENTS simply.\n")).toEqual({ template: "Explain $ARGUMENTS simply." });
  });

  it("reads description and argument-hint from the front matter", () => {
    const file = "---\ndescription: Fix a GitHub issue\nargument-hint: <issue number>\n---\n\nFix issue #$1.\n";
    expect(parseCommandFile(file)).toEqual({ description: "Fix a GitHub issue", argumentHint: "<issue number>", template: "Fix issue #$1." });
  });

  it("takes `arguments:` as the argument hint too", () => {
    expect(parseCommandFile("---\narguments: [file]\n---\nOpen $1").argumentHint).toBe("[file]");
  });

  it("unquotes double- and single-quoted values", () => {
    const file = ["---", 'description: "Say \\"hi\\": politely"', "argument-hint: 'it''s <name>'", "---", "Hi $1"].join("\n");
    expect(parseCommandFile(file)).toMatchObject({ description: 'Say "hi": politely', argumentHint: "it's <name>" });
  });

  it("handles CRLF line endings and a byte order mark", () => {
    const file = "\uFEFF---\r\ndescription: Windows\r\n---\r\nLine one\r\nLine two\r\n";
    expect(parseCommandFile(file)).toEqual({ description: "Windows", template: "Line one\nLine two" });
  });

  it("skips comments, unknown keys and indented lines in the front matter", () => {
    const file = "---\n# a comment\nallowed-tools:\n  - Bash\nmodel: fast\ndescription: Kept\n---\nBody";
    expect(parseCommandFile(file)).toEqual({ description: "Kept", template: "Body" });
  });

  it("reads an empty file, or empty values, as nothing", () => {
    expect(parseCommandFile("")).toEqual({ template: "" });
    expect(parseCommandFile("---\ndescription:\n---\n")).toEqual({ template: "" });
  });

  it("refuses unclosed front matter, lines that are not key: value, and broken quotes", () => {
    expect(() => parseCommandFile("---\ndescription: x\nBody")).toThrow(CommandFileError);
    expect(() => parseCommandFile("---\njust words\n---\nBody")).toThrow(/line 2 is not "key: value"/);
    expect(() => parseCommandFile('---\ndescription: "a\\q"\n---\nBody')).toThrow(/bad double-quoted value/);
  });
});

describe("isValidCommandName", () => {
  it.each(["review", "fix-issue", "v2_summary", "a"])("accepts %s", (name) => expect(isValidCommandName(name)).toBe(true));
  it.each(["", "Review", "has space", "dot.name", "ünï", "x".repeat(65)])("refuses %j", (name) => expect(isValidCommandName(name)).toBe(false));
});
