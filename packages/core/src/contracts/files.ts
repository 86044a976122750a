/** Session file storage: the listing entry, and the limits a client can rely on. */
import { z } from "zod";

/** Largest upload accepted; one byte more answers 413. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

export const FileInfo = z.object({
  name: z.string().meta({ description: "File name" }),
  size: z.number().int().meta({ description: "File size in bytes (0 for a folder)" }),
  modified: z.number().int().meta({ description: "Last modified timestamp (Unix time, seconds)" }),
  isDir: z.boolean().meta({ description: "Whether this is a directory" }),
  url: z.string().meta({ description: "URL of the file on this API (GET with the same API key)" }),
});
export type FileInfo = z.infer<typeof FileInfo>;
