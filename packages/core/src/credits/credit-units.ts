/**
 * Credits are kept in micro-USD (BigInt) so sums never drift; the API speaks USD. A calendar
 * month in UTC ("2026-07") is the period of one monthly grant.
 */
export const MICROS_PER_USD = 1_000_000;

/** USD to micro-USD, to the nearest micro-dollar (a model call's cost included). */
export const usdToMicros = (usd: number): bigint => BigInt(Math.round(usd * MICROS_PER_USD));

export const microsToUsd = (micros: bigint): number => Number(micros) / MICROS_PER_USD;

/** "2026-07" of an instant, in UTC. */
export const creditPeriodOf = (date: Date): string => date.toISOString().slice(0, 7);

/** The first instant of the period's month (UTC). */
export function periodStart(period: string): Date {
  return new Date(`${period}-01T00:00:00.000Z`);
}

/** The first instant of the month after the one `date` is in (UTC): when the next grant is due. */
export function nextPeriodStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
}

/** "$1.234567", "-$0.02": a balance as the messages say it. */
export function formatUsd(micros: bigint): string {
  const usd = microsToUsd(micros < 0n ? -micros : micros);
  const text = usd.toFixed(6).replace(/0{1,4}$/, "");
  return `${micros < 0n ? "-" : ""}$${text}`;
}
