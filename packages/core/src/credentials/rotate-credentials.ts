/**
 * Re-encrypts every stored provider secret under the newest configured key
 * (`pnpm mix credentials rotate`). Idempotent: a secret already under the newest key is left as
 * it is. A secret no configured key opens is reported and left untouched, never overwritten.
 */
import type { PrismaClient } from "@mix/db";
import type { Config } from "../config/config";
import { SecretBoxError } from "../secrets/secret-box";
import { credentialsBox, ENCRYPTION_KEY_MISSING, sealContext } from "./credentials.service";

export interface RotationReport {
  /** The key everything is now sealed under (null: the unnamed CREDENTIALS_ENCRYPTION_KEY). */
  keyId: string | null;
  /** Credentials (rows) scanned, and of them those re-encrypted and those already current. */
  scanned: number;
  rotated: number;
  current: number;
  /** Secrets (API keys, access or refresh tokens) re-encrypted. */
  secretsRotated: number;
  /** Credentials whose secret no configured key opens (left as they were), and why. */
  unreadable: { workspaceId: string; provider: string; reason: string }[];
  /** Credentials changed or removed by someone else while rotating: left for the next run. */
  skipped: number;
}

const BATCH = 200;

export async function rotateCredentials(prisma: PrismaClient, config: Config): Promise<RotationReport> {
  const box = credentialsBox(config);
  if (!box) throw new Error(ENCRYPTION_KEY_MISSING);
  const report: RotationReport = { keyId: box.currentKeyId, scanned: 0, rotated: 0, current: 0, secretsRotated: 0, unreadable: [], skipped: 0 };
  let after: string | undefined;
  for (;;) {
    const rows = await prisma.providerCredential.findMany({
      where: after ? { id: { gt: after } } : {},
      orderBy: { id: "asc" },
      take: BATCH,
      select: { id: true, workspaceId: true, provider: true, encryptedSecret: true, encryptedRefreshToken: true },
    });
    if (rows.length === 0) return report;
    after = rows.at(-1)!.id;
    for (const row of rows) {
      report.scanned += 1;
      const context = sealContext(row.workspaceId, row.provider);
      const reseal = (sealed: string, suffix: string) => (box.isCurrent(sealed) ? sealed : box.seal(box.open(sealed, context + suffix), context + suffix));
      let secret: string;
      let refresh: string | null;
      try {
        secret = reseal(row.encryptedSecret, "");
        refresh = row.encryptedRefreshToken === null ? null : reseal(row.encryptedRefreshToken, ":refresh");
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        report.unreadable.push({ workspaceId: row.workspaceId, provider: row.provider, reason: error.message });
        continue;
      }
      const changed = Number(secret !== row.encryptedSecret) + Number(refresh !== row.encryptedRefreshToken);
      if (changed === 0) {
        report.current += 1;
        continue;
      }
      // Only if the row still holds what was read: a credential stored meanwhile is already current.
      const { count } = await prisma.providerCredential.updateMany({
        where: { id: row.id, encryptedSecret: row.encryptedSecret, encryptedRefreshToken: row.encryptedRefreshToken },
        data: { encryptedSecret: secret, encryptedRefreshToken: refresh },
      });
      if (count === 0) {
        report.skipped += 1;
        continue;
      }
      report.rotated += 1;
      report.secretsRotated += changed;
    }
  }
}
