import { FALLBACK_TITLE, isGenericTitle, TITLE_MAX_LENGTH, titleFromMessage } from "./session-title";

describe("isGenericTitle", () => {
  it.each([
    "New Session",
    "new session",
    "  NEW   SESSION ",
    "New Chat",
    "Untitled",
    "Session",
    "Chat",
    "New Session 3",
    "Untitled (2)",
    "Chat #4",
    "New conversation",
    "",
    "   ",
    "New session…",
  ])("%j is generic", (title) => expect(isGenericTitle(title)).toBe(true));

  it.each(["Fix the login bug", "Session notes for Q3", "Chat about pricing", "New sessions API", "Untitled 2024 plan draft", "3"])("%j is not", (title) =>
    expect(isGenericTitle(title)).toBe(false),
  );
});

describe("titleFromMessage", () => {
  it("keeps a short message whole, on one line, without a closing period", () => {
    expect(titleFromMessage("  Plan the\t launch.  ")).toBe("Plan the launch");
    expect(titleFromMessage("How do I deploy?")).toBe("How do I deploy?");
  });

  it("takes the first meaningful line, without markdown markup, fences or blank lines", () => {
    expect(titleFromMessage("\n\n```\n## Refactor the *parser*\nmore detail here")).toBe("Refactor the *parser*");
    expect(titleFromMessage("- **Migrate** the `users` table\n- then the rest")).toBe("Migrate the users table");
  });

  it("takes the first sentence when it stands on its own", () => {
    expect(titleFromMessage("Fix the login bug. It fails when the password has a quote.")).toBe("Fix the login bug");
    expect(titleFromMessage("Why is CI red? The last green run was Monday.")).toBe("Why is CI red?");
    // Too short to stand alone: the line goes on.
    expect(titleFromMessage("Hi. Please rename the config module")).toBe("Hi. Please rename the config module");
    expect(titleFromMessage("Bump to v1.2.3 and tag it")).toBe("Bump to v1.2.3 and tag it");
  });

  it("drops a slash command's name and @ directive lines", () => {
    expect(titleFromMessage("/review src/auth/session.ts for races")).toBe("src/auth/session.ts for races");
    expect(titleFromMessage("@bash\n@docs/api.md\nSummarize the API changes")).toBe("Summarize the API changes");
    expect(titleFromMessage("/compact")).toBe("compact");
  });

  it("cuts a long message at a word boundary with an ellipsis", () => {
    const title = titleFromMessage(`Please ${"investigate the flaky integration tests ".repeat(5)}`);
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX_LENGTH);
    expect(title).toBe("Please investigate the flaky integration tests investigate…");
  });

  it("cuts one enormous word hard, and never splits an emoji in two", () => {
    const word = titleFromMessage("a".repeat(500));
    expect(word).toBe(`${"a".repeat(TITLE_MAX_LENGTH - 1)}…`);
    const emoji = titleFromMessage(`${"x".repeat(TITLE_MAX_LENGTH - 2)}😀😀😀`);
    expect(emoji.length).toBeLessThanOrEqual(TITLE_MAX_LENGTH);
    expect(emoji).toBe(`${"x".repeat(TITLE_MAX_LENGTH - 2)}…`);
    expect(() => encodeURIComponent(emoji)).not.toThrow();
  });

  it("handles a huge message quickly", () => {
    const started = Date.now();
    expect(titleFromMessage(`${"word ".repeat(40_000)}\n`.repeat(2)).length).toBeLessThanOrEqual(TITLE_MAX_LENGTH);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each(["", "   ", "\n\n", "```\n```", "@bash", "---", "🙂🙂"])("falls back to Untitled for %j", (text) => {
    expect(titleFromMessage(text)).toBe(FALLBACK_TITLE);
  });
});
