/**
 * Provider credentials of a workspace, encrypted at rest. `resolve` is the one place that reads
 * a provider's key: the workspace's own, else the deployment's env key, else none.
 */
import type { Prisma, PrismaClient, ProviderCredential } from "@mix/db";
import { SYSTEM_ACTOR, type Actor, type AuditWriter } from "../audit/audit-entry";
import type { Config } from "../config/config";
import {
  CREDENTIAL_PROVIDERS,
  CredentialProvider,
  type AuthMethod,
  type AuthStatusResponse,
  type CredentialActionResponse,
  type ProviderAuthStatus,
  type ValidateProviderResponse,
} from "../contracts";
import { badRequest, validationError } from "../errors/app-error";
import type { PreferencesService } from "../preferences/preferences.service";
import { CREDENTIAL_PROVIDER_INFO, providerCatalog, SCRIPTED_PROVIDER } from "../models/catalog/provider-catalog";
import { SecretBox, secretKeysFromConfig } from "../secrets/secret-box";

export const ENCRYPTION_KEY_MISSING =
  "Storing provider credentials is disabled: CREDENTIALS_ENCRYPTION_KEY is not configured on the server (nor CREDENTIALS_ENCRYPTION_KEYS)";

/** The box of the configured keys (CREDENTIALS_ENCRYPTION_KEYS, CREDENTIALS_ENCRYPTION_KEY), or null when none is set. */
export function credentialsBox(config: Config): SecretBox | null {
  const keys = secretKeysFromConfig({ single: config.CREDENTIALS_ENCRYPTION_KEY, list: config.CREDENTIALS_ENCRYPTION_KEYS });
  return keys ? new SecretBox(keys) : null;
}

/** 400 naming the valid providers unless `name` is one that takes credentials. */
export function parseCredentialProvider(name: string): CredentialProvider {
  const result = CredentialProvider.safeParse(name);
  if (!result.success) throw validationError(`provider '${name}' is not supported; use one of: ${CREDENTIAL_PROVIDERS.join(", ")}`);
  return result.data;
}

export interface OAuthTokens {
  accessToken: string;
  /** undefined: keep the stored refresh token; null: store none. */
  refreshToken: string | null | undefined;
  expiresAt: Date | null;
}

export interface OAuthCredentialInfo {
  provider: string;
  expiresAt: Date | null;
  hasRefreshToken: boolean;
  /** When the tokens were last stored or refreshed. */
  updatedAt: Date;
}

export interface ExpiringOAuthCredential {
  workspaceId: string;
  provider: string;
  expiresAt: Date | null;
  /** Decrypts the refresh token; throws when it cannot be (e.g. the encryption key changed). */
  refreshToken(): string;
}

/** Binds a sealed secret to its row, so a value copied to another workspace or provider does not open. */
export const sealContext = (workspaceId: string, provider: string) => `${workspaceId}:${provider}`;

export class CredentialsService {
  private readonly box: SecretBox | null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Config,
    private readonly preferences: PreferencesService,
    /** Records credentials stored and deleted (none: nothing is recorded, as in unit tests). */
    private readonly audit: AuditWriter | null = null,
  ) {
    this.box = credentialsBox(config);
  }

  async storeApiKey(workspaceId: string, provider: CredentialProvider, apiKey: string, actor: Actor = SYSTEM_ACTOR): Promise<CredentialActionResponse> {
    const info = CREDENTIAL_PROVIDER_INFO[provider];
    if (info.keyPrefix && !apiKey.startsWith(info.keyPrefix)) {
      throw validationError(`api_key does not look like a key for ${info.displayName}: ${info.displayName} keys start with '${info.keyPrefix}'`);
    }
    if (!this.box) throw badRequest(ENCRYPTION_KEY_MISSING);
    const data = {
      authMethod: "api_key" as const,
      encryptedSecret: this.box.seal(apiKey, sealContext(workspaceId, provider)),
      encryptedRefreshToken: null,
      expiresAt: null,
      keyHint: apiKey.slice(-4),
    };
    await this.prisma.$transaction(async (tx) => {
      await tx.providerCredential.upsert({
        where: { workspaceId_provider: { workspaceId, provider } },
        create: { workspaceId, provider, ...data },
        update: data,
      });
      await this.recordChange("credentials.stored", workspaceId, provider, actor, { authMethod: "api_key", keyHint: data.keyHint }, tx);
    });
    return { status: "success", provider, message: `API key for ${info.displayName} stored` };
  }

  /** Whether credentials can be stored at all (CREDENTIALS_ENCRYPTION_KEY is set). */
  get canStore(): boolean {
    return this.box !== null;
  }

  /**
   * Stores OAuth tokens, replacing any earlier credentials for the provider. `refreshToken`
   * undefined keeps the stored one (a refresh that did not rotate it). With `actor` (a sign-in
   * completed) the storing is audited; a background refresh of the same credential is not.
   */
  async storeOAuthTokens(workspaceId: string, provider: CredentialProvider, tokens: OAuthTokens, actor?: Actor): Promise<void> {
    if (!this.box) throw badRequest(ENCRYPTION_KEY_MISSING);
    const context = sealContext(workspaceId, provider);
    const refresh = tokens.refreshToken == null ? tokens.refreshToken : this.box.seal(tokens.refreshToken, `${context}:refresh`);
    const data = {
      authMethod: "oauth" as const,
      encryptedSecret: this.box.seal(tokens.accessToken, context),
      encryptedRefreshToken: refresh,
      expiresAt: tokens.expiresAt,
      keyHint: tokens.accessToken.slice(-4),
    };
    await this.prisma.$transaction(async (tx) => {
      await tx.providerCredential.upsert({
        where: { workspaceId_provider: { workspaceId, provider } },
        create: { workspaceId, provider, ...data, encryptedRefreshToken: refresh ?? null },
        update: data,
      });
      if (actor) await this.recordChange("credentials.stored", workspaceId, provider, actor, { authMethod: "oauth", keyHint: data.keyHint }, tx);
    });
  }

  /** The workspace's OAuth credentials, without their secrets (for health reports). */
  async oauthCredentials(workspaceId: string): Promise<OAuthCredentialInfo[]> {
    const rows = await this.prisma.providerCredential.findMany({ where: { workspaceId, authMethod: "oauth" } });
    return rows.map((row) => ({
      provider: row.provider,
      expiresAt: row.expiresAt,
      hasRefreshToken: row.encryptedRefreshToken !== null,
      updatedAt: row.updatedAt,
    }));
  }

  /** OAuth credentials with a refresh token that expire before `cutoff` (all workspaces, or one). */
  async oauthExpiringBefore(cutoff: Date, workspaceId?: string): Promise<ExpiringOAuthCredential[]> {
    const rows = await this.prisma.providerCredential.findMany({
      where: { authMethod: "oauth", encryptedRefreshToken: { not: null }, expiresAt: { lte: cutoff }, ...(workspaceId ? { workspaceId } : {}) },
      orderBy: { expiresAt: "asc" },
    });
    return rows.map((row) => ({
      workspaceId: row.workspaceId,
      provider: row.provider,
      expiresAt: row.expiresAt,
      refreshToken: () => this.openWith(row.encryptedRefreshToken!, row, ":refresh"),
    }));
  }

  /** Idempotent: succeeds when nothing was stored. */
  async delete(workspaceId: string, providerName: string, actor: Actor = SYSTEM_ACTOR): Promise<CredentialActionResponse> {
    const provider = parseCredentialProvider(providerName);
    // Only a deletion that removed something is recorded; it commits with its entry or not at all.
    const count = await this.prisma.$transaction(async (tx) => {
      const deleted = await tx.providerCredential.deleteMany({ where: { workspaceId, provider } });
      if (deleted.count > 0) await this.recordChange("credentials.deleted", workspaceId, provider, actor, {}, tx);
      return deleted.count;
    });
    const name = CREDENTIAL_PROVIDER_INFO[provider].displayName;
    const message = count > 0 ? `Credentials for ${name} deleted` : `No stored credentials for ${name}; nothing to delete`;
    return { status: "success", provider, message };
  }

  /** The key (an OAuth credential's access token) to call `provider` with for this workspace, or null when there is none. */
  async resolve(workspaceId: string, provider: CredentialProvider): Promise<string | null> {
    const row = await this.prisma.providerCredential.findUnique({ where: { workspaceId_provider: { workspaceId, provider } } });
    if (row) return this.open(row);
    return this.envKey(provider);
  }

  async status(workspaceId: string): Promise<AuthStatusResponse> {
    const rows = await this.prisma.providerCredential.findMany({ where: { workspaceId }, select: { provider: true, authMethod: true } });
    const stored = new Map(rows.map((row) => [row.provider, row.authMethod]));
    const providers = Object.fromEntries(CREDENTIAL_PROVIDERS.map((provider) => [provider, this.statusOf(provider, stored.get(provider))]));
    return { providers };
  }

  /** Whether the workspace's preferred provider (without stored preferences, the deployment's MODEL_PROVIDER) has credentials or needs none. */
  async validate(workspaceId: string): Promise<ValidateProviderResponse> {
    const { preferredProvider: provider } = await this.preferences.effective(workspaceId);
    const name = providerCatalog.displayName(provider);
    if (provider === SCRIPTED_PROVIDER) {
      return { valid: true, provider, auth_method: "none", message: `${name} needs no credentials` };
    }
    if (provider === "openai-compatible") {
      // The deployment's own server: configured by its env (the key is optional), never by a stored credential.
      const valid = Boolean(this.config.OPENAI_COMPATIBLE_BASE_URL);
      const message = valid ? `${name} is configured by the server` : `${name} is not configured: the server has no OPENAI_COMPATIBLE_BASE_URL`;
      return { valid, provider, auth_method: this.config.OPENAI_COMPATIBLE_API_KEY ? "api_key" : "none", message };
    }
    const parsed = CredentialProvider.safeParse(provider);
    const row = parsed.success
      ? await this.prisma.providerCredential.findUnique({ where: { workspaceId_provider: { workspaceId, provider: parsed.data } } })
      : null;
    const { authenticated, auth_method } = parsed.success
      ? this.statusOf(parsed.data, row?.authMethod)
      : { authenticated: false, auth_method: "none" as const };
    const message = authenticated
      ? `${name} is authenticated (${row ? "credentials stored for this workspace" : "the server's key"})`
      : `${name} has no credentials: store an API key with POST /api/auth/api-key`;
    return { valid: authenticated, provider, auth_method, message };
  }

  private async recordChange(
    action: "credentials.stored" | "credentials.deleted",
    workspaceId: string,
    provider: CredentialProvider,
    actor: Actor,
    details: Record<string, unknown>,
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    await this.audit?.record({ workspaceId, actor, action, target: { type: "credentials", id: provider }, details: { provider, ...details } }, tx);
  }

  private statusOf(provider: CredentialProvider, storedMethod: AuthMethod | undefined): ProviderAuthStatus {
    const display_name = CREDENTIAL_PROVIDER_INFO[provider].displayName;
    if (storedMethod) return { authenticated: true, auth_method: storedMethod, display_name };
    if (this.envKey(provider)) return { authenticated: true, auth_method: "api_key", display_name };
    return { authenticated: false, auth_method: "none", display_name };
  }

  private envKey(provider: CredentialProvider): string | null {
    const value = this.config[CREDENTIAL_PROVIDER_INFO[provider].envKey];
    return typeof value === "string" && value.length > 0 ? value : null;
  }

  /** The API key, or the access token of an OAuth credential. */
  private open(row: ProviderCredential): string {
    return this.openWith(row.encryptedSecret, row);
  }

  private openWith(sealed: string, row: ProviderCredential, contextSuffix = ""): string {
    if (!this.box) {
      throw new Error(`a ${row.provider} credential is stored but no CREDENTIALS_ENCRYPTION_KEY(S) is configured, so it cannot be decrypted`);
    }
    return this.box.open(sealed, sealContext(row.workspaceId, row.provider) + contextSuffix);
  }
}
