/** The settings of browser apps on other origins (CORS) and of the tokens their EventSource streams with, part of the one Config schema. */
import { z } from "zod";

export const BROWSER_CLIENT_SETTINGS = {
  /**
   * Origins whose browser apps may call the API (CORS), comma-separated exact origins
   * (`https://app.example.com,http://localhost:5173`), or `*` for any; none by default.
   */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine(
      (origins) => origins.every((origin) => origin === "*" || /^https?:\/\/[^/\s?#]+$/i.test(origin)),
      "each origin is scheme://host[:port] (no path), or *",
    )
    .refine((origins) => !origins.includes("*") || origins.length === 1, "* stands alone"),
  /** How long a stream token (POST /api/sessions/{id}/stream-token, for a browser's EventSource) opens its session's stream. */
  STREAM_TOKEN_TTL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
};
