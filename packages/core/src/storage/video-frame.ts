/** One frame of a video, scaled, written as a JPEG by the ffmpeg binary in the sandbox. */
import { constants } from "node:fs";
import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError, badRequest } from "../errors/app-error";
import { parserMessage, type ConfinedParser } from "../parsing/confined-parser";
import type { ThumbSpec } from "./thumbnail-spec";

const FFMPEG_TIMEOUT_MS = 30_000;

function scaleFilter(spec: ThumbSpec): string {
  // Never enlarges, like the image thumbnails: min() keeps a small video at its own size.
  if (spec.fit === "width") return `scale='min(${spec.size},iw)':-2`;
  if (spec.fit === "height") return `scale=-2:'min(${spec.size},ih)'`;
  return `scale='min(${spec.size},iw)':'min(${spec.size},ih)':force_original_aspect_ratio=decrease`;
}

// More than any JPEG of one scaled frame: a bigger "frame" is not ffmpeg's honest output.
const FRAME_MAX_BYTES = 32 * 1024 * 1024;

/** ffmpeg in the sandbox (video demuxers and decoders are a crafted file's way in), on a copy of the video. */
export async function writeVideoFrame(source: string, target: string, spec: ThumbSpec, parser: ConfinedParser): Promise<void> {
  // prettier-ignore
  const argv = [
    "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-ss", String(spec.time), "-i", "video",
    "-frames:v", "1", "-vf", scaleFilter(spec), "-f", "image2", "-c:v", "mjpeg", "frame.jpg",
  ];
  const frame = await parser.run(
    // A copy (a clone where the file system can): the session's file stays out of the parser's reach.
    { writeInput: (dir) => copyFile(source, path.join(dir, "video"), constants.COPYFILE_FICLONE), argv, timeoutMs: FFMPEG_TIMEOUT_MS },
    async ({ run, output }) => {
      if (run.exitCode === 127) throw new AppError(501, "internal_error", "Video thumbnails need ffmpeg, which is not installed on this server");
      if (run.stoppedBy === "timeout") throw badRequest(`Cannot read the video: ffmpeg did not finish within ${FFMPEG_TIMEOUT_MS / 1000} s`);
      if (run.limitHit) throw badRequest(`Cannot read the video: ${run.limitHit.message}`);
      // A file ffmpeg cannot decode is the client's input, not a server fault.
      if (run.exitCode !== 0) throw badRequest(`Cannot read the video: ${parserMessage(run)}`);
      const written = await output("frame.jpg", FRAME_MAX_BYTES);
      if (written === "too_large") throw badRequest("Cannot read the video: its frame is larger than a thumbnail can be");
      // ffmpeg exits 0 without a frame when the time is past the end of the video.
      const said = run.stderr.text.trim();
      if (written === "missing" || written.length === 0) throw badRequest(`No video frame at ${spec.time} s${said ? `: ${said}` : ""}`);
      return written;
    },
  );
  await writeFile(target, frame);
}
