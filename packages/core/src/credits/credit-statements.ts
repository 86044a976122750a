/**
 * The statements that move a workspace's balance by themselves (no top-up or adjustment, which
 * are credits.service's): the monthly grant and the debit of a model call. Each changes the
 * balance and appends its ledger entry in ONE statement, so the entry's balanceAfter is exact
 * even when model calls of several runs of the workspace end at once.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@mix/db";
import type { PlanCatalog } from "../plans/plan-catalog";
import { usdToMicros } from "./credit-units";

type Db = Pick<PrismaClient, "$executeRaw"> | Prisma.TransactionClient;

export interface MonthlyGrant {
  workspaceId: string;
  /** The plan name as the workspace stores it: the grant is the one of the plan it was computed from. */
  planName: string;
  period: string;
  grantMicros: bigint;
}

/**
 * Adds the period's grant unless the workspace already holds it: the row's `creditPeriod` is
 * compared and set in the same UPDATE, so two processes noticing the new month at once grant
 * once (the second waits for the first's row lock, then finds the period set). A grant of 0
 * only moves the period on, with no ledger entry.
 */
export async function grantMonthly(db: Db, grant: MonthlyGrant): Promise<void> {
  await db.$executeRaw(Prisma.sql`
    WITH granted AS (
      UPDATE "Workspace" SET "creditMicros" = "creditMicros" + ${grant.grantMicros}, "creditPeriod" = ${grant.period}
      WHERE id = ${grant.workspaceId} AND plan = ${grant.planName} AND "creditPeriod" IS DISTINCT FROM ${grant.period}
      RETURNING "creditMicros"
    )
    INSERT INTO "CreditEntry" (id, "workspaceId", kind, "amountMicros", "balanceAfterMicros", note)
    SELECT ${randomUUID()}, ${grant.workspaceId}, 'grant'::"CreditEntryKind", ${grant.grantMicros}, granted."creditMicros", ${`monthly credits for ${grant.period}`}
    FROM granted WHERE ${grant.grantMicros}::bigint > 0`);
}

export interface ModelCallDebit {
  workspaceId: string;
  runId: string;
  /** USD, from the price table. */
  cost: number;
}

/**
 * The debit of one model call, for the transaction that stores the call's step; null when it
 * costs nothing or no plan is metered. Only a workspace on a metered plan is debited: the plan
 * table lives in configuration, so its metered names are part of the statement.
 */
export function debitModelCall(prisma: PrismaClient, plans: PlanCatalog, debit: ModelCallDebit): Prisma.PrismaPromise<number> | null {
  const micros = usdToMicros(debit.cost);
  if (micros <= 0n) return null;
  const { meteredNames, unknownIsMetered, knownNames } = plans.metering();
  if (meteredNames.length === 0) return null;
  const metered = Prisma.sql`plan IN (${Prisma.join(meteredNames)})`;
  // A name the table no longer has falls back to the default plan, metered or not.
  const onMeteredPlan = unknownIsMetered ? Prisma.sql`(${metered} OR plan NOT IN (${Prisma.join(knownNames)}))` : metered;
  return prisma.$executeRaw(Prisma.sql`
    WITH debited AS (
      UPDATE "Workspace" SET "creditMicros" = "creditMicros" - ${micros}
      WHERE id = ${debit.workspaceId} AND ${onMeteredPlan}
      RETURNING "creditMicros"
    )
    INSERT INTO "CreditEntry" (id, "workspaceId", kind, "amountMicros", "balanceAfterMicros", "runId")
    SELECT ${randomUUID()}, ${debit.workspaceId}, 'debit'::"CreditEntryKind", ${-micros}, debited."creditMicros", ${debit.runId}
    FROM debited`);
}
