/**
 * A session file as a model's native input (ReadMedia, and its replay on later runs): sniffed,
 * checked against what the model takes, images fitted to its limits. Refusals are 400 AppErrors
 * whose message says what to do instead.
 */
import type { ToolResultMedia } from "../models/model-provider";
import { badRequest } from "../errors/app-error";
import { fitImage } from "./fit-image";
import { sniffMedia, SNIFF_BYTES, type SniffedMedia } from "./media-kind";
import { limitsOf, mediaLimits, type ImageLimits, type MediaTarget } from "./media-limits";
import { openMediaFile, readHead } from "./open-media-file";

/** The most ReadMedia reads of an image before scaling it down. */
export const MEDIA_MAX_SOURCE_BYTES = 50 * 1024 * 1024;

export interface LoadedMedia {
  media: ToolResultMedia;
  /** What the model and the transcript read: "Read image chart.png (1200×800, image/png)". */
  summary: string;
}

/** `absolute` has passed the session-folder path rules; `shown` is its session-relative name. */
export async function loadMedia(root: string, absolute: string, shown: string, target: MediaTarget): Promise<LoadedMedia> {
  const { handle, size } = await openMediaFile(root, absolute, shown);
  try {
    if (size === 0) throw badRequest(`${shown} is empty`);
    const head = await readHead(handle, SNIFF_BYTES);
    const sniffed = sniffMedia(head);
    if (!sniffed) throw badRequest(unknownTypeMessage(shown, head));
    const limits = mediaLimits(target);
    const kindLimits = limitsOf(limits, sniffed.kind);
    if (!kindLimits || !kindLimits.mediaTypes.includes(sniffed.mediaType)) {
      const refusal = badRequest(refusedKindMessage(shown, sniffed, limits.label));
      throw sniffed.kind === "pdf" ? Object.assign(refusal, { [PDF_NOT_TAKEN]: true }) : refusal;
    }
    const maxBytes = sniffed.kind === "image" ? MEDIA_MAX_SOURCE_BYTES : kindLimits.maxBytes;
    if (size > maxBytes) throw badRequest(`${shown} is ${size} bytes, over the ${maxBytes}-byte limit for ${sniffed.mediaType} on ${limits.label}`);
    const bytes = await handle.readFile();
    if (sniffed.kind !== "image") {
      const noun = sniffed.kind === "pdf" ? "PDF" : "audio";
      return { media: mediaOf(bytes, sniffed.mediaType, shown), summary: `Read ${noun} ${shown} (${sizeText(size)}, ${sniffed.mediaType})` };
    }
    const image = await fitImage(bytes, sniffed.mediaType, kindLimits as ImageLimits, shown);
    const scaled = image.original ? `; scaled down from ${image.original.width}×${image.original.height}` : "";
    return {
      media: mediaOf(image.bytes, image.mediaType, shown),
      summary: `Read image ${shown} (${image.width}×${image.height}, ${image.mediaType}${scaled})`,
    };
  } finally {
    await handle.close();
  }
}

const mediaOf = (bytes: Buffer, mediaType: string, path: string): ToolResultMedia => ({ mediaType, data: bytes.toString("base64"), path });

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function unknownTypeMessage(shown: string, head: Buffer): string {
  const text = !head.includes(0) && /^[\t\n\r\x20-\x7e\u0080-\uffff]*$/.test(head.toString("utf8"));
  const hint = text ? " It looks like text: read it with ReadText." : "";
  return `${shown} is not an image (png, jpeg, gif, webp), a PDF or an audio file (wav, mp3, flac, ogg, aiff, aac).${hint}`;
}

/** Marks the refusal of a PDF by a model that takes no documents: ReadMedia then reads the PDF's text instead. */
export const PDF_NOT_TAKEN = Symbol("pdf not taken");

export const isPdfNotTaken = (error: unknown): boolean => typeof error === "object" && error !== null && PDF_NOT_TAKEN in error;

function refusedKindMessage(shown: string, sniffed: SniffedMedia, label: string): string {
  if (sniffed.kind === "video") return `${shown} is a video (${sniffed.mediaType}); ReadMedia does not read videos. Show can present it to the user.`;
  if (sniffed.kind === "pdf") {
    return `${shown} is a PDF, and ${label} does not take PDF documents. Extract its text in Bash (e.g. pdftotext) and read that with ReadText.`;
  }
  if (sniffed.kind === "audio") return `${shown} is ${sniffed.mediaType} audio, which ${label} does not take as input.`;
  return `${shown} is ${sniffed.mediaType}, which ${label} does not take as an image.`;
}
