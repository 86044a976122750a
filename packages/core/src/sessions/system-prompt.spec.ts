import { AppError } from "../errors/app-error";
import { BASE_SYSTEM_PROMPT, buildSystemPrompt, checkCustomPrompt, substitutePromptVariables } from "./system-prompt";

describe("checkCustomPrompt", () => {
  it("allows exactly the limit and refuses one byte more, per mode", () => {
    expect(() => checkCustomPrompt("a".repeat(51_200), "append")).not.toThrow();
    expect(() => checkCustomPrompt("a".repeat(51_201), "append")).toThrow("exceeds append mode limit of 50KB");
    expect(() => checkCustomPrompt("a".repeat(102_400), "replace")).not.toThrow();
    expect(() => checkCustomPrompt("a".repeat(102_401), "replace")).toThrow(AppError);
    expect(() => checkCustomPrompt("a".repeat(102_401), "default")).toThrow("replace mode limit");
  });

  it("counts UTF-8 bytes, not characters", () => {
    expect(() => checkCustomPrompt("€".repeat(17_067), "append")).toThrow(/51KB/); // 3 bytes each
  });
});

describe("prompt variables", () => {
  it("substitutes known names and leaves unknown ones as written", () => {
    expect(substitutePromptVariables("In $<domain> on $<date>, not $<secret> or $<1bad>.", { domain: "law", date: "2026-01-01" })).toBe(
      "In law on 2026-01-01, not $<secret> or $<1bad>.",
    );
  });

  it("builds the system prompt per mode", () => {
    const vars = { domain: "law" };
    expect(buildSystemPrompt({ customSystemPrompt: "About $<domain>", promptMode: "default" }, vars)).toBe(BASE_SYSTEM_PROMPT);
    expect(buildSystemPrompt({ customSystemPrompt: "About $<domain>", promptMode: "append" }, vars)).toBe(`${BASE_SYSTEM_PROMPT}\n\nAbout law`);
    expect(buildSystemPrompt({ customSystemPrompt: "About $<domain>", promptMode: "replace" }, vars)).toBe("About law");
    expect(buildSystemPrompt({ customSystemPrompt: null, promptMode: "replace" }, vars)).toBe(BASE_SYSTEM_PROMPT);
  });

  it("adds the workspace profile after the built-in prompt, before an appended one, never to a replacing one", () => {
    const vars = { domain: "law" };
    const grounding = { profile: "## Workspace profile\n\nWe are Acme." };
    expect(buildSystemPrompt({ customSystemPrompt: null, promptMode: "default" }, vars, grounding)).toBe(`${BASE_SYSTEM_PROMPT}\n\n${grounding.profile}`);
    expect(buildSystemPrompt({ customSystemPrompt: "About $<domain>", promptMode: "append" }, vars, grounding)).toBe(
      `${BASE_SYSTEM_PROMPT}\n\n${grounding.profile}\n\nAbout law`,
    );
    expect(buildSystemPrompt({ customSystemPrompt: "About $<domain>", promptMode: "replace" }, vars, grounding)).toBe("About law");
    // Replace mode without a prompt of its own falls back to the built-in one, profile included.
    expect(buildSystemPrompt({ customSystemPrompt: null, promptMode: "replace" }, vars, grounding)).toBe(`${BASE_SYSTEM_PROMPT}\n\n${grounding.profile}`);
  });
});
