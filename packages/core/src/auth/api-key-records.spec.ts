/**
 * The stream gateway reads keys with plain SQL, the rest of the product with Prisma: both must
 * answer the same for every key (times included, whatever the session's time zone), and record
 * a key's last use the same way.
 */
import { createPgPool, type Pool } from "@mix/db/pool";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, type TestDatabase } from "@mix/testing";
import { prismaApiKeyRecords, type ApiKeyRecords } from "./api-key-records";
import { hashApiKey } from "./key-material";
import { pgApiKeyRecords } from "./pg-api-key-records";

let db: TestDatabase;
let prisma: PrismaClient;
let pool: Pool;
let viaPrisma: ApiKeyRecords;
let viaSql: ApiKeyRecords;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase("key-records");
  prisma = createPrismaClient({ url: db.url, poolSize: 2 });
  // A session time zone far from UTC: times must not move with it.
  pool = createPgPool({ url: db.url, poolSize: 2 });
  pool.on("connect", (client) => void client.query("SET TIME ZONE 'Pacific/Kiritimati'"));
  viaPrisma = prismaApiKeyRecords(prisma);
  viaSql = pgApiKeyRecords(pool);
  workspaceId = (await prisma.workspace.create({ data: { name: "records" } })).id;
});
afterAll(async () => {
  await pool?.end();
  await prisma?.$disconnect();
  await db?.drop();
});

async function key(name: string, data: { revokedAt?: Date; expiresAt?: Date; role?: "owner" | "read_only" } = {}) {
  const keyHash = hashApiKey(`mix_${name}_${"x".repeat(20)}`);
  const created = await prisma.apiKey.create({ data: { workspaceId, name, keyHash, keyPrefix: "mix_", ...data } });
  return { id: created.id, keyHash };
}

it("reads every kind of key alike, by hash and by id", async () => {
  const keys = [
    await key("plain"),
    await key("revoked", { revokedAt: new Date("2026-05-01T10:20:30.456Z") }),
    await key("expiring", { expiresAt: new Date("2030-01-02T03:04:05.678Z"), role: "read_only" }),
    await key("expired", { expiresAt: new Date("2020-01-02T03:04:05.006Z") }),
  ];
  for (const { id, keyHash } of keys) {
    const expected = await viaPrisma.byHash(keyHash);
    expect(expected).not.toBeNull();
    expect(await viaSql.byHash(keyHash)).toEqual(expected);
    expect(await viaSql.byId(id)).toEqual(await viaPrisma.byId(id));
  }
  expect((await viaSql.byHash(keys[2]!.keyHash))?.expiresAt?.toISOString()).toBe("2030-01-02T03:04:05.678Z");
  expect(await viaSql.byHash(hashApiKey("unknown"))).toBeNull();
  expect(await viaSql.byId("00000000-0000-0000-0000-000000000000")).toBeNull();
});

it("records a last use unless one is already recorded since the given time", async () => {
  const { id } = await key("used");
  const lastUsed = async () => (await prisma.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt?.toISOString();
  await viaSql.touchLastUsed(id, new Date("2026-06-01T11:59:00Z"), new Date("2026-06-01T12:00:00.123Z"));
  expect(await lastUsed()).toBe("2026-06-01T12:00:00.123Z");
  // Within the minute: left as it is.
  await viaSql.touchLastUsed(id, new Date("2026-06-01T11:59:30Z"), new Date("2026-06-01T12:00:30Z"));
  expect(await lastUsed()).toBe("2026-06-01T12:00:00.123Z");
  await viaSql.touchLastUsed(id, new Date("2026-06-01T12:00:30Z"), new Date("2026-06-01T12:01:30Z"));
  expect(await lastUsed()).toBe("2026-06-01T12:01:30.000Z");
});
