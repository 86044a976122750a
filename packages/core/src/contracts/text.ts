/**
 * The one rule for text a request may carry: no NUL byte (Postgres cannot store it, in text or
 * in JSON) and no unpaired UTF-16 surrogate (it has no UTF-8 form). Every string of a request
 * contract is a `safeString`; the API applies `isSafeText` to path, query and headers too.
 */
import { z } from "zod";

export const UNSAFE_TEXT_MESSAGE = "must not contain NUL bytes or unpaired surrogates";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isSafeText = (text: string): boolean => !text.includes("\u0000") && !LONE_SURROGATE.test(text);

/**
 * `z.string(params)` that refuses unsafe text first, and alone: the message names the field
 * (`title: must not contain ...`) instead of a length or format rule tripping over it.
 */
export const safeString = (params?: Parameters<typeof z.string>[0]) => z.string(params).refine(isSafeText, { message: UNSAFE_TEXT_MESSAGE, abort: true });
