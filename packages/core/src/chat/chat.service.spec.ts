import { conversationTitle } from "./chat.service";

describe("conversationTitle", () => {
  it("keeps a short message whole, on one line", () => {
    expect(conversationTitle("  Plan the\n launch  ")).toBe("Plan the launch");
  });

  it("cuts a long message to about 60 characters", () => {
    const title = conversationTitle("word ".repeat(40));
    expect(title.length).toBeLessThanOrEqual(60);
    expect(title).toMatch(/^word word .*…$/);
  });
});
