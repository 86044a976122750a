import { expandTemplate, parseInvocation } from "./command-template";

describe("parseInvocation", () => {
  it("splits `/name args` and trims the arguments", () => {
    expect(parseInvocation("/summarize  hello world ")).toEqual({ name: "summarize", args: "hello world" });
    expect(parseInvocation("/review\nline one\nline two")).toEqual({ name: "review", args: "line one\nline two" });
    expect(parseInvocation("/help")).toEqual({ name: "help", args: "" });
  });

  it.each(["hello /summarize", " /summarize x", "/", "/usr/bin/env is missing", "/Summarize x", "/sum.marize"])("is null for %j", (text) => {
    expect(parseInvocation(text)).toBeNull();
  });
});

describe("expandTemplate", () => {
  it("replaces $ARGUMENTS with the whole text and $1, $2… with its words", () => {
    expect(expandTemplate("Summarize: $ARGUMENTS", "hello world")).toBe("Summarize: hello world");
    expect(expandTemplate("From $1 to $2, all: $ARGUMENTS", "a  b c")).toBe("From a to b, all: a  b c");
  });

  it("leaves missing positional arguments empty and $0 alone", () => {
    expect(expandTemplate("[$1][$3] costs $0", "one")).toBe("[one][] costs $0");
  });

  it("does not expand placeholders inside the user's text", () => {
    expect(expandTemplate("Say: $ARGUMENTS", "$1 and $ARGUMENTS")).toBe("Say: $1 and $ARGUMENTS");
  });

  it("fills extra placeholders only when given", () => {
    expect(expandTemplate("Commands:\n$COMMANDS", "", { COMMANDS: "- /help" })).toBe("Commands:\n- /help");
    expect(expandTemplate("Literal $COMMANDS", "")).toBe("Literal $COMMANDS");
  });

  it("appends the arguments to a template that has no placeholder for them", () => {
    expect(expandTemplate("Be brief.", "about cats")).toBe("Be brief.\n\nabout cats");
    expect(expandTemplate("Be brief.", "")).toBe("Be brief.");
  });
});
