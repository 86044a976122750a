import { inferThinkingLevel, thinkingBudget } from "./thinking";

describe("thinking levels", () => {
  it.each([
    ["what is 2+2", "off"],
    ["Think about the design", "basic"],
    ["please think hard about this", "medium"],
    ["ultrathink: prove it", "maximum"],
    ["rethinking is not thinking", "off"],
  ])("infers %j as %s", (text, level) => {
    expect(inferThinkingLevel(text)).toBe(level);
  });

  it("prefers an explicit level over keywords", () => {
    expect(thinkingBudget("off", "ultrathink")).toBe(0);
    expect(thinkingBudget(null, "ultrathink")).toBe(32_000);
    expect(thinkingBudget("medium", "")).toBe(10_000);
  });
});
