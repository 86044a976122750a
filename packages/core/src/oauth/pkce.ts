/** PKCE (RFC 7636) with the S256 method, and the random `state` of a flow. */
import { createHash, randomBytes } from "node:crypto";

/** 32 random bytes, base64url: 43 characters, inside the 43..128 the RFC allows. */
export const createCodeVerifier = () => randomBytes(32).toString("base64url");

export const s256Challenge = (verifier: string) => createHash("sha256").update(verifier, "ascii").digest("base64url");

export const createState = () => randomBytes(32).toString("base64url");
