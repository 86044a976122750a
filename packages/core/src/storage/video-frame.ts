/** One frame of a video, scaled, written as a JPEG by the ffmpeg binary. */
import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { AppError, badRequest } from "../errors/app-error";
import type { ThumbSpec } from "./thumbnail-spec";

const FFMPEG_TIMEOUT_MS = 30_000;

function scaleFilter(spec: ThumbSpec): string {
  // Never enlarges, like the image thumbnails: min() keeps a small video at its own size.
  if (spec.fit === "width") return `scale='min(${spec.size},iw)':-2`;
  if (spec.fit === "height") return `scale=-2:'min(${spec.size},ih)'`;
  return `scale='min(${spec.size},iw)':'min(${spec.size},ih)':force_original_aspect_ratio=decrease`;
}

/** `ffmpeg` is the binary to run, looked up on PATH by default. */
export async function writeVideoFrame(source: string, target: string, spec: ThumbSpec, ffmpeg = "ffmpeg"): Promise<void> {
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-ss", String(spec.time), "-i", source];
  args.push("-frames:v", "1", "-vf", scaleFilter(spec), "-f", "image2", "-c:v", "mjpeg", target);
  const stderr = await runFfmpeg(ffmpeg, args);
  const written = await stat(target).then(
    (info) => info.size > 0,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
  // ffmpeg exits 0 without a frame when the time is past the end of the video.
  if (!written) throw badRequest(`No video frame at ${spec.time} s${stderr ? `: ${stderr}` : ""}`);
}

function runFfmpeg(ffmpeg: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4_000) stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), FFMPEG_TIMEOUT_MS);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === "ENOENT") {
        reject(new AppError(501, "internal_error", "Video thumbnails need ffmpeg, which is not installed on this server"));
      } else reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stderr.trim());
      if (signal) return reject(new AppError(500, "internal_error", `ffmpeg stopped (${signal}) while making a video thumbnail`));
      // A file ffmpeg cannot decode is the client's input, not a server fault.
      reject(badRequest(`Cannot read the video: ${stderr.trim().split("\n").at(-1) ?? `ffmpeg exit ${code}`}`));
    });
  });
}
