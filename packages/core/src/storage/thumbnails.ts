/**
 * Thumbnails of images (vipsthumbnail) and videos (ffmpeg), both made in the sandbox, cached in the store's cache folder for the
 * session (outside the session folder) under a key of the name, the spec and the source's size
 * and mtime, so a changed source gets a new one.
 */
import { createHash, randomUUID } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { badRequest } from "../errors/app-error";
import type { ConfinedParser } from "../parsing/confined-parser";
import type { BlobEntry, BlobStore } from "./blob-store";
import type { ThumbSpec } from "./thumbnail-spec";
import { writeImageThumbnail } from "./image-thumbnail";
import { writeVideoFrame } from "./video-frame";

// Formats that may carry transparency keep it in a PNG; the rest become JPEG.
const ALPHA_TYPES = new Set(["image/png", "image/gif", "image/webp", "image/avif", "image/svg+xml", "image/tiff"]);

export interface Thumbnail {
  file: string;
  contentType: "image/jpeg" | "image/png";
}

export async function thumbnail(
  store: BlobStore,
  sessionId: string,
  source: BlobEntry,
  mimeType: string,
  spec: ThumbSpec,
  parser: ConfinedParser,
): Promise<Thumbnail> {
  const kind = mimeType.startsWith("image/") ? "image" : mimeType.startsWith("video/") ? "video" : null;
  if (!kind) throw badRequest(`Thumbnails are made of images and videos only, not ${mimeType}`);
  const contentType = kind === "image" && ALPHA_TYPES.has(mimeType) ? "image/png" : "image/jpeg";
  const key = createHash("sha256")
    .update(JSON.stringify([source.name, spec.key, kind === "video" ? spec.time : 0, source.size, source.modifiedMs]))
    .digest("hex");
  const file = path.join(await store.cacheDir(sessionId), `${key}${contentType === "image/png" ? ".png" : ".jpg"}`);
  if (await exists(file)) return { file, contentType };

  // Made aside and renamed in, so a concurrent request never serves a half-written file.
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await store.withLocalFile(sessionId, source.name, (input) =>
      kind === "video"
        ? writeVideoFrame(input, temp, spec, parser)
        : writeImageThumbnail(input, temp, spec, contentType === "image/png" ? "png" : "jpeg", parser),
    );
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  return { file, contentType };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
