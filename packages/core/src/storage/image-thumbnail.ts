/**
 * An image's thumbnail, scaled (never enlarged, EXIF orientation applied), written as PNG or
 * JPEG by libvips' vipsthumbnail in the sandbox: image decoders are a crafted file's way in, and
 * the files thumbnailed are the agent's downloads as much as the users' uploads.
 */
import { constants } from "node:fs";
import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError, badRequest } from "../errors/app-error";
import { parserMessage, type ConfinedParser } from "../parsing/confined-parser";
import type { ThumbSpec } from "./thumbnail-spec";

const VIPS_TIMEOUT_MS = 30_000;
// More than any PNG of a 1024-pixel thumbnail: a bigger one is not vipsthumbnail's honest output.
const THUMB_MAX_BYTES = 16 * 1024 * 1024;

/** vipsthumbnail's size: a box, or one fixed side; `>` only ever shrinks. */
function sizeArg(spec: ThumbSpec): string {
  if (spec.fit === "width") return `${spec.size}x>`;
  if (spec.fit === "height") return `x${spec.size}>`;
  return `${spec.size}x${spec.size}>`;
}

export async function writeImageThumbnail(source: string, target: string, spec: ThumbSpec, format: "png" | "jpeg", parser: ConfinedParser): Promise<void> {
  const output = format === "png" ? "thumb.png" : "thumb.jpg";
  // The output name is read relative to the input's folder (the working folder); [Q=80] sets the JPEG quality.
  const argv = ["vipsthumbnail", "image", "--size", sizeArg(spec), "-o", format === "png" ? output : `${output}[Q=80]`];
  const thumb = await parser.run(
    // A copy (a clone where the file system can): the session's file stays out of the parser's reach.
    { writeInput: (dir) => copyFile(source, path.join(dir, "image"), constants.COPYFILE_FICLONE), argv, timeoutMs: VIPS_TIMEOUT_MS },
    async ({ run, output: read }) => {
      if (run.exitCode === 127) throw new AppError(501, "internal_error", "Image thumbnails need vipsthumbnail (Debian package libvips-tools) on the workers");
      if (run.stoppedBy === "timeout") throw badRequest(`Cannot read the image: it did not scale within ${VIPS_TIMEOUT_MS / 1000} s`);
      if (run.limitHit) throw badRequest(`Cannot read the image: ${run.limitHit.message}`);
      if (run.exitCode !== 0) throw badRequest(`Cannot read the image: ${parserMessage(run)}`);
      const written = await read(output, THUMB_MAX_BYTES);
      if (written === "too_large") throw badRequest("Cannot read the image: its thumbnail is larger than a thumbnail can be");
      if (written === "missing" || written.length === 0) throw badRequest("Cannot read the image: no thumbnail was written");
      return written;
    },
  );
  await writeFile(target, thumb);
}
