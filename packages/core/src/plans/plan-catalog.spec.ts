import { ConfigError } from "../config/config";
import { PlanCatalog } from "./plan-catalog";

it("knows which plans are metered, and whether a plan name it lost is (the default plan's answer)", () => {
  const catalog = PlanCatalog.from({ default: { title: "Default", models: "*" }, paid: { title: "Paid", models: "*", monthlyCredits: 5 } });
  expect(catalog.metering()).toEqual({ meteredNames: ["paid"], unknownIsMetered: false, knownNames: ["default", "paid"] });
  const meteredDefault = PlanCatalog.from({ default: { title: "Default", models: "*", monthlyCredits: 1 } });
  expect(meteredDefault.metering().unknownIsMetered).toBe(true);
  expect(meteredDefault.isMetered(meteredDefault.get("gone"))).toBe(true);
});

it("allows models by provider and id, or all", () => {
  const catalog = PlanCatalog.load(undefined);
  const free = catalog.get("free");
  expect(catalog.allowsModel(free, "scripted", "scripted-1")).toBe(true);
  expect(catalog.allowsModel(free, "anthropic", "claude-sonnet-4-5")).toBe(false);
  expect(catalog.allowsModel(catalog.get("pro"), "anthropic", "claude-sonnet-4-5")).toBe(true);
  expect(catalog.isMetered(catalog.get("default"))).toBe(false);
});

it("refuses a plan table without the default plan, or with a malformed plan", () => {
  expect(() => PlanCatalog.from({ free: { title: "Free", models: "*" } })).toThrow(ConfigError);
  expect(() => PlanCatalog.from({ default: { title: "Default", models: "*", monthlyCredits: -1 } })).toThrow(ConfigError);
});
