/**
 * An image made to fit a model's limits with sharp: scaled down to the longest side, then, if
 * still over the byte cap, re-encoded as JPEG and shrunk until it fits. An image that already
 * fits is sent as it is, byte for byte.
 */
import type sharp from "sharp";
import { badRequest } from "../errors/app-error";
import type { ImageLimits } from "./media-limits";

export interface FittedImage {
  bytes: Buffer;
  mediaType: string;
  width: number;
  height: number;
  /** The size the file has, when the image was scaled. */
  original?: { width: number; height: number };
}

// Decoding is bounded: a small file may claim a huge canvas (a decompression bomb).
const MAX_INPUT_PIXELS = 100_000_000;
const SHRINK_STEPS = 6;

export async function fitImage(bytes: Buffer, mediaType: string, limits: ImageLimits, name: string): Promise<FittedImage> {
  // Loaded on first use: sharp and libvips weigh on every process that imports the core package.
  const { default: sharp } = await import("sharp");
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (error) {
    throw badRequest(`${name} is not a readable image: ${(error as Error).message}`);
  }
  // EXIF orientations 5-8 swap the sides the image is shown with.
  const swapped = (meta.orientation ?? 1) >= 5;
  const width = (swapped ? meta.height : meta.width) ?? 0;
  const height = (swapped ? meta.width : meta.height) ?? 0;
  if (!width || !height) throw badRequest(`${name} is not a readable image: it has no size`);
  const rotated = (meta.orientation ?? 1) !== 1;
  if (Math.max(width, height) <= limits.maxSide && bytes.length <= limits.maxBytes && !rotated && limits.mediaTypes.includes(mediaType)) {
    return { bytes, mediaType, width, height };
  }

  let side = Math.min(limits.maxSide, Math.max(width, height));
  // Transparency survives in PNG; a GIF is sent as its first frame.
  let format: "png" | "jpeg" | "webp" = mediaType === "image/jpeg" ? "jpeg" : mediaType === "image/webp" ? "webp" : "png";
  for (let step = 0; step < SHRINK_STEPS; step++) {
    const fitted = await encode(bytes, side, format, name);
    if (fitted.bytes.length <= limits.maxBytes) return { ...fitted, original: { width, height } };
    // Too large still: JPEG first (the biggest win for photos), then smaller sides.
    if (format !== "jpeg") format = "jpeg";
    else side = Math.max(1, Math.floor(side * 0.75));
  }
  throw badRequest(`${name} cannot be made smaller than ${limits.maxBytes} bytes for this model`);
}

async function encode(bytes: Buffer, side: number, format: "png" | "jpeg" | "webp", name: string): Promise<FittedImage> {
  const { default: sharp } = await import("sharp");
  const pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, animated: false })
    .rotate()
    .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true });
  const encoded = format === "jpeg" ? pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: 80 }) : format === "webp" ? pipeline.webp() : pipeline.png();
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: data, mediaType: `image/${format}`, width: info.width, height: info.height };
  } catch (error) {
    throw badRequest(`${name} is not a readable image: ${(error as Error).message}`);
  }
}
