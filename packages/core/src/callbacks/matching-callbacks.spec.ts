import type { Callback } from "../contracts/callbacks";
import { matchingCallbacks } from "./matching-callbacks";

const onBash: Callback = { type: "bash_script", toolName: "Bash", bashCommand: "true", name: "exact" };
const onAll: Callback = { type: "send_message", toolName: "*", messageContent: "next", name: "all" };
const lowerCase: Callback = { type: "bash_script", toolName: " bash ", bashCommand: "true", name: "lower" };
const onWrite: Callback = { type: "bash_script", toolName: "Write", bashCommand: "true", name: "write" };

describe("matchingCallbacks", () => {
  it("picks exact names (ignoring case and spaces) and the * wildcard, in configured order", () => {
    expect(matchingCallbacks([onBash, onWrite, onAll, lowerCase], "Bash").map((c) => c.name)).toEqual(["exact", "all", "lower"]);
  });

  it("matches nothing for another tool unless a wildcard is configured", () => {
    expect(matchingCallbacks([onBash, lowerCase], "Edit")).toEqual([]);
    expect(matchingCallbacks([onBash, onAll], "github__create_issue")).toEqual([onAll]);
  });

  it("does not treat other characters as patterns", () => {
    const prefix: Callback = { type: "bash_script", toolName: "Ba*", bashCommand: "true" };
    const dotted: Callback = { type: "bash_script", toolName: "B.sh", bashCommand: "true" };
    expect(matchingCallbacks([prefix, dotted], "Bash")).toEqual([]);
    expect(matchingCallbacks([prefix], "Ba*")).toEqual([prefix]);
  });

  it("handles an empty list", () => {
    expect(matchingCallbacks([], "Bash")).toEqual([]);
  });
});
