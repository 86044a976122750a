/** `GET /api/system/info`. */
import { z } from "zod";

export const SystemInfoResponse = z.object({
  /** Absolute path of the folder holding every session's files (STORAGE_DIR, resolved). */
  storageBasePath: z.string(),
});
export type SystemInfoResponse = z.infer<typeof SystemInfoResponse>;
