import { creditPeriodOf, formatUsd, microsToUsd, nextPeriodStart, periodStart, usdToMicros } from "./credit-units";

it("converts USD to micro-USD to the nearest micro-dollar, and back", () => {
  expect(usdToMicros(1.5)).toBe(1_500_000n);
  expect(usdToMicros(0.1 + 0.2)).toBe(300_000n);
  expect(usdToMicros(0.0000004)).toBe(0n);
  expect(usdToMicros(-0.2)).toBe(-200_000n);
  expect(microsToUsd(-100_000n)).toBe(-0.1);
});

it("names the UTC month of an instant, where it starts and when the next one does", () => {
  expect(creditPeriodOf(new Date("2026-12-31T23:59:59.999Z"))).toBe("2026-12");
  expect(periodStart("2026-02").toISOString()).toBe("2026-02-01T00:00:00.000Z");
  expect(nextPeriodStart(new Date("2026-12-15T10:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
});

it("says a balance in dollars, signed", () => {
  expect(formatUsd(1_000_000n)).toBe("$1.00");
  expect(formatUsd(-100_000n)).toBe("-$0.10");
  expect(formatUsd(123_456n)).toBe("$0.123456");
});
