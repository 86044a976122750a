/** The `?thumb=` and `?time=` query parameters of GET /files/{filename}, checked. */
import { badRequest } from "../errors/app-error";

export const THUMB_MIN = 16;
export const THUMB_MAX = 1024;
export const VIDEO_TIME_MAX = 86_400;

export interface ThumbSpec {
  /** `box` fits inside size x size; `width`/`height` fix one side and keep the aspect ratio. */
  fit: "box" | "width" | "height";
  size: number;
  /** Seconds into a video for its frame. */
  time: number;
  /** The size part as one canonical string (`100`, `w100`), part of the cache key. */
  key: string;
}

const PATTERN = /^([wh]?)(\d{1,5})$/;

export function parseThumbSpec(thumb: string, time: string | undefined): ThumbSpec {
  const match = PATTERN.exec(thumb);
  if (!match) throw badRequest(`thumb must be N, wN or hN with N from ${THUMB_MIN} to ${THUMB_MAX}`);
  const size = Number(match[2]);
  if (size < THUMB_MIN || size > THUMB_MAX) throw badRequest(`thumb size must be from ${THUMB_MIN} to ${THUMB_MAX}`);
  const fit = match[1] === "w" ? "width" : match[1] === "h" ? "height" : "box";
  const seconds = parseTime(time);
  return { fit, size, time: seconds, key: `${match[1]}${size}` };
}

function parseTime(time: string | undefined): number {
  if (time === undefined) return 1;
  const seconds = /^\d+(\.\d+)?$/.test(time) ? Number(time) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > VIDEO_TIME_MAX) {
    throw badRequest(`time must be a number of seconds from 0 to ${VIDEO_TIME_MAX}`);
  }
  return seconds;
}
