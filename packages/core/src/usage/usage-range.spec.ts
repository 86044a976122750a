import { AppError } from "../errors/app-error";
import { usageRange } from "./usage.service";

const today = new Date("2026-07-15T12:00:00Z");

it("defaults to the last 30 days, today included, and ends a range given only a start today", () => {
  expect(usageRange({}, today)).toEqual({ from: "2026-06-16", to: "2026-07-15" });
  expect(usageRange({ to: "2026-03-01" }, today)).toEqual({ from: "2026-01-31", to: "2026-03-01" });
  expect(usageRange({ from: "2026-07-01" }, today)).toEqual({ from: "2026-07-01", to: "2026-07-15" });
});

it("accepts one day and 366 days, and refuses a backwards or longer range with 400", () => {
  expect(usageRange({ from: "2026-07-15", to: "2026-07-15" }, today)).toEqual({ from: "2026-07-15", to: "2026-07-15" });
  expect(usageRange({ from: "2024-01-01", to: "2024-12-31" }, today).from).toBe("2024-01-01");
  for (const range of [
    { from: "2026-07-16", to: "2026-07-15" },
    { from: "2024-01-01", to: "2025-01-01" },
  ]) {
    expect(() => usageRange(range, today)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => usageRange(range, today)).toThrow(AppError);
  }
});
