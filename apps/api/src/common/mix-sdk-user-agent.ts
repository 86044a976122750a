/**
 * Recognises the Speakeasy-generated Mix SDKs by their User-Agent, e.g.
 * `speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk` (Python and Go: the same
 * shape with their language and package name). Only what is needed to serve each SDK generation
 * an answer its response validation accepts.
 */

export interface MixSdk {
  language: string;
  version: { major: number; minor: number; patch: number };
}

const SDK_TOKEN = /^speakeasy-sdk\/([A-Za-z0-9_-]+)$/;
const SEMVER = /^v?(\d{1,6})\.(\d{1,6})\.(\d{1,6})(?:[-+][0-9A-Za-z.+-]*)?$/;
/** The package token: `mix-typescript-sdk`, `mix_python_sdk`, or a Go module path ending in `/mix-go-sdk`. */
const MIX_PACKAGE = /(?:^|\/)mix(?:[-_.][\w.-]*)?$/i;
/** A User-Agent longer than this is not an SDK's (and is not worth scanning). */
const MAX_USER_AGENT = 512;

/** The Mix SDK a User-Agent names, or null for any other client (browsers, curl, other Speakeasy SDKs). */
export function parseMixSdkUserAgent(userAgent: string | undefined): MixSdk | null {
  if (!userAgent || userAgent.length > MAX_USER_AGENT) return null;
  const tokens = userAgent.trim().split(/\s+/);
  const at = tokens.findIndex((token) => SDK_TOKEN.test(token));
  if (at < 0) return null;
  // speakeasy-sdk/<language> <sdk version> <generator version> <document version> <package>
  const version = SEMVER.exec(tokens[at + 1] ?? "");
  const packageName = tokens[at + 4];
  if (!version || !packageName || !MIX_PACKAGE.test(packageName)) return null;
  return {
    language: SDK_TOKEN.exec(tokens[at]!)![1]!,
    version: { major: Number(version[1]), minor: Number(version[2]), patch: Number(version[3]) },
  };
}

/**
 * Mix SDKs from 0.11.0 on validate SessionData.sessionType against main|subagent: they have no
 * "forked", so a fork must be shown to them as "main" (its parentSessionId still says where it came from).
 */
export function seesForksAsMain(userAgent: string | undefined): boolean {
  const sdk = parseMixSdkUserAgent(userAgent);
  return sdk !== null && fromV011(sdk);
}

/**
 * Mix SDKs before 0.11 parse each SSE event against a list without `notification`: one such
 * event would fail the client's whole stream, so they are not sent it. Every other client is
 * (an EventSource ignores an event it has no listener for).
 */
export function knowsNotificationEvents(userAgent: string | undefined): boolean {
  const sdk = parseMixSdkUserAgent(userAgent);
  return sdk === null || fromV011(sdk);
}

const fromV011 = (sdk: MixSdk) => sdk.version.major > 0 || sdk.version.minor >= 11;
