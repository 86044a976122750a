/**
 * Rotating the key that encrypts provider credentials, on a real database: secrets written under
 * an old key (the single CREDENTIALS_ENCRYPTION_KEY, or a named one) are re-encrypted by
 * `credentials rotate` under the newest named key and then open with that key alone; a second run
 * changes nothing; a secret no configured key opens is reported and left exactly as it was.
 */
import { randomBytes } from "node:crypto";
import {
  createInfrastructure,
  createLogger,
  CredentialsService,
  loadConfig,
  PreferencesService,
  rotateCredentials,
  type Config,
  type Infrastructure,
} from "@mix/core";
import { createIsolatedTestEnv, deleteRedisPrefix, type IsolatedTestEnv } from "@mix/testing";
import type { CliContext } from "../src/cli/cli-command";
import { credentialsCommands } from "../src/cli/commands/credentials";

const key = () => randomBytes(32).toString("base64");
const legacyKey = key();
const k1 = key();
const k2 = key();

let isolated: IsolatedTestEnv;
let infrastructure: Infrastructure;
const configWith = (settings: Record<string, string>): Config => loadConfig({ ...isolated.env, ...settings });
const credentialsWith = (settings: Record<string, string>) =>
  new CredentialsService(infrastructure.prisma, configWith(settings), new PreferencesService(infrastructure.prisma));
const rows = async (workspaceId: string) =>
  infrastructure.prisma.providerCredential.findUniqueOrThrow({ where: { workspaceId_provider: { workspaceId, provider: "anthropic" } } });
const newWorkspace = async (name: string) => (await infrastructure.prisma.workspace.create({ data: { name } })).id;

beforeAll(async () => {
  isolated = await createIsolatedTestEnv("credentials-rotation");
  infrastructure = createInfrastructure(loadConfig(isolated.env), createLogger("test-rotation", "silent"));
});
afterAll(async () => {
  await infrastructure?.close();
  await deleteRedisPrefix(isolated.prefix);
  await isolated.database.drop();
});

describe("credentials rotate", () => {
  const rotation = { CREDENTIALS_ENCRYPTION_KEYS: `k2:${k2},k1:${k1}`, CREDENTIALS_ENCRYPTION_KEY: legacyKey };
  let v1Workspace: string;
  let namedWorkspace: string;
  let lostWorkspace: string;

  beforeAll(async () => {
    v1Workspace = await newWorkspace("legacy");
    namedWorkspace = await newWorkspace("named");
    lostWorkspace = await newWorkspace("lost");
    await credentialsWith({ CREDENTIALS_ENCRYPTION_KEY: legacyKey }).storeApiKey(v1Workspace, "anthropic", "sk-ant-legacy-secret");
    await credentialsWith({ CREDENTIALS_ENCRYPTION_KEYS: `k1:${k1}` }).storeOAuthTokens(namedWorkspace, "anthropic", {
      accessToken: "access-token-k1",
      refreshToken: "refresh-token-k1",
      expiresAt: new Date(Date.now() + 60_000),
    });
    await credentialsWith({ CREDENTIALS_ENCRYPTION_KEYS: `gone:${key()}` }).storeApiKey(lostWorkspace, "anthropic", "sk-ant-lost-secret");
  });

  it("writes v1 under the single key and v2 with the key's id under named keys", async () => {
    expect((await rows(v1Workspace)).encryptedSecret).toMatch(/^v1:/);
    expect((await rows(namedWorkspace)).encryptedSecret).toMatch(/^v2:k1:/);
    expect((await rows(namedWorkspace)).encryptedRefreshToken).toMatch(/^v2:k1:/);
    // With the new key first and the old ones still configured, everything stays readable and new values use the newest.
    const during = credentialsWith(rotation);
    await expect(during.resolve(v1Workspace, "anthropic")).resolves.toBe("sk-ant-legacy-secret");
    await expect(during.resolve(namedWorkspace, "anthropic")).resolves.toBe("access-token-k1");
    const fresh = await newWorkspace("fresh");
    await during.storeApiKey(fresh, "anthropic", "sk-ant-fresh");
    expect((await rows(fresh)).encryptedSecret).toMatch(/^v2:k2:/);
  });

  it("re-encrypts everything under the newest key, reports what it cannot open, and leaves that untouched", async () => {
    const lostBefore = await rows(lostWorkspace);
    const lines: string[] = [];
    const context = { config: configWith(rotation), application: { infrastructure }, out: (line: string) => lines.push(line) } as unknown as CliContext;
    await expect(credentialsCommands[0]!.run({}, [], context)).rejects.toThrow(/1 credential\(s\) could not be decrypted/);
    expect(lines.join("\n")).toMatch(/re-encrypted: 2 credential\(s\) \(3 secret\(s\)\); already current: 1/);
    expect(lines.join("\n")).toContain(`unreadable (left as it is): workspace ${lostWorkspace}, provider anthropic`);

    expect((await rows(v1Workspace)).encryptedSecret).toMatch(/^v2:k2:/);
    expect((await rows(namedWorkspace)).encryptedSecret).toMatch(/^v2:k2:/);
    expect((await rows(namedWorkspace)).encryptedRefreshToken).toMatch(/^v2:k2:/);
    const lostAfter = await rows(lostWorkspace);
    expect(lostAfter.encryptedSecret).toBe(lostBefore.encryptedSecret);
    expect(lostAfter.updatedAt).toEqual(lostBefore.updatedAt);

    // The old keys can go: the newest alone opens every rotated secret.
    const after = credentialsWith({ CREDENTIALS_ENCRYPTION_KEYS: `k2:${k2}` });
    await expect(after.resolve(v1Workspace, "anthropic")).resolves.toBe("sk-ant-legacy-secret");
    await expect(after.resolve(namedWorkspace, "anthropic")).resolves.toBe("access-token-k1");
    const [expiring] = await after.oauthExpiringBefore(new Date(Date.now() + 3_600_000), namedWorkspace);
    expect(expiring!.refreshToken()).toBe("refresh-token-k1");
  });

  it("is idempotent: a second run re-encrypts nothing", async () => {
    const before = await rows(namedWorkspace);
    const report = await rotateCredentials(infrastructure.prisma, configWith(rotation));
    expect(report).toMatchObject({ keyId: "k2", scanned: 4, rotated: 0, secretsRotated: 0, current: 3, skipped: 0 });
    expect(report.unreadable).toEqual([{ workspaceId: lostWorkspace, provider: "anthropic", reason: expect.stringContaining("'gone'") }]);
    expect((await rows(namedWorkspace)).encryptedSecret).toBe(before.encryptedSecret);
  });

  it("refuses to run with no key configured", async () => {
    await expect(rotateCredentials(infrastructure.prisma, configWith({}))).rejects.toThrow(/CREDENTIALS_ENCRYPTION_KEY/);
  });
});
