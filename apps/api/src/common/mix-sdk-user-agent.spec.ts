import { knowsNotificationEvents, parseMixSdkUserAgent, seesForksAsMain } from "./mix-sdk-user-agent";
import { showForksAsMain } from "../sessions/sdk-session-type.interceptor";

describe("parseMixSdkUserAgent", () => {
  it.each([
    ["speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk", "typescript", [0, 11, 4]],
    ["speakeasy-sdk/python 0.11.0 2.716.10 1.0.0 mix-python-sdk", "python", [0, 11, 0]],
    ["speakeasy-sdk/python 0.12.1 2.716.10 1.0.0 mix_python_sdk", "python", [0, 12, 1]],
    ["speakeasy-sdk/go 0.11.4 2.716.10 1.0.0 github.com/recreate-run/mix-go-sdk", "go", [0, 11, 4]],
    ["speakeasy-sdk/typescript 0.7.5 2.600.0 1.0.0 mix-typescript-sdk", "typescript", [0, 7, 5]],
    ["speakeasy-sdk/typescript 1.0.0-beta.2 2.716.10 1.0.0 mix-typescript-sdk", "typescript", [1, 0, 0]],
    ["  speakeasy-sdk/typescript   0.11.4 2.716.10 1.0.0   mix-typescript-sdk  ", "typescript", [0, 11, 4]],
    ["my-app/2.0 speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk", "typescript", [0, 11, 4]],
  ])("knows %s", (userAgent, language, [major, minor, patch]) => {
    expect(parseMixSdkUserAgent(userAgent)).toEqual({ language, version: { major, minor, patch } });
  });

  it.each([
    [undefined],
    [""],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"],
    ["curl/8.5.0"],
    ["node-fetch/1.0 mix-typescript-sdk"],
    // Another vendor's Speakeasy SDK is not a Mix client.
    ["speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 acme-typescript-sdk"],
    ["speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 remix-sdk"],
    ["speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0"],
    ["speakeasy-sdk/typescript latest 2.716.10 1.0.0 mix-typescript-sdk"],
    ["speakeasy-sdk/typescript 0.11 2.716.10 1.0.0 mix-typescript-sdk"],
  ])("does not take %s for a Mix SDK", (userAgent) => {
    expect(parseMixSdkUserAgent(userAgent)).toBeNull();
  });

  it("does not scan an overlong User-Agent", () => {
    expect(parseMixSdkUserAgent(`speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk ${"x".repeat(600)}`)).toBeNull();
  });
});

describe("seesForksAsMain", () => {
  it.each([
    ["speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk", true],
    ["speakeasy-sdk/python 0.11.0 2.716.10 1.0.0 mix-python-sdk", true],
    ["speakeasy-sdk/go 1.2.0 2.716.10 1.0.0 github.com/recreate-run/mix-go-sdk", true],
    ["speakeasy-sdk/typescript 0.10.9 2.716.10 1.0.0 mix-typescript-sdk", false],
    ["speakeasy-sdk/typescript 0.7.5 2.600.0 1.0.0 mix-typescript-sdk", false],
    ["curl/8.5.0", false],
    [undefined, false],
  ])("%s: %s", (userAgent, expected) => {
    expect(seesForksAsMain(userAgent)).toBe(expected);
  });
});

describe("knowsNotificationEvents", () => {
  it.each([
    ["speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk", true],
    ["speakeasy-sdk/typescript 1.0.0 2.716.10 1.0.0 mix-typescript-sdk", true],
    ["speakeasy-sdk/typescript 0.6.1 2.716.10 1.0.0 mix-typescript-sdk", false],
    ["speakeasy-sdk/python 0.10.9 2.716.10 1.0.0 mix-python-sdk", false],
    ["Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", true],
    ["curl/8.5.0", true],
    [undefined, true],
  ])("%s: %s", (userAgent, expected) => {
    expect(knowsNotificationEvents(userAgent)).toBe(expected);
  });
});

describe("showForksAsMain", () => {
  const fork = { id: "f", sessionType: "forked", parentSessionId: "s" };
  it("shows a fork, alone or in a list, as main with its parent kept, and leaves the rest alone", () => {
    expect(showForksAsMain(fork)).toEqual({ id: "f", sessionType: "main", parentSessionId: "s" });
    const subagent = { id: "a", sessionType: "subagent", parentSessionId: "s" };
    expect(showForksAsMain([{ id: "s", sessionType: "main" }, fork, subagent])).toEqual([
      { id: "s", sessionType: "main" },
      { id: "f", sessionType: "main", parentSessionId: "s" },
      subagent,
    ]);
    expect(fork.sessionType).toBe("forked");
    expect(showForksAsMain(undefined)).toBeUndefined();
    expect(showForksAsMain(null)).toBeNull();
  });
});
