/**
 * What kind of file Show presents, from its bytes where they tell (a `.png` that is text is
 * refused) and its name otherwise (SVG, MKV, Office documents have no signature we check).
 */
import { lookup } from "mime-types";
import { badRequest } from "../errors/app-error";
import { sniffMedia } from "./media-kind";

export type ShownKind = "image" | "video" | "audio" | "document";

export interface ShownType {
  kind: ShownKind;
  mediaType: string;
}

// Types sniffMedia recognises: a name claiming one of them must have its bytes.
const SNIFFED_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "audio/wav", "audio/wave", "audio/flac", "audio/ogg"]);
const DOCUMENT_TYPES = new Set([
  "application/pdf",
  "application/json",
  "application/xml",
  "application/rtf",
  "application/epub+zip",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
]);
const DOCUMENT_PREFIXES = ["text/", "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument."];

export function shownType(name: string, head: Buffer): ShownType {
  const sniffed = sniffMedia(head);
  const named = lookup(name) || null;
  if (named && SNIFFED_TYPES.has(named) && (!sniffed || kindOfType(sniffed.mediaType) !== kindOfType(named))) {
    throw badRequest(`${name} is named as ${named}, but its content is not${sniffed ? ` (it is ${sniffed.mediaType})` : ""}`);
  }
  // Containers hold either (an .mp4 of sound only, Ogg video): the name tells which it is meant as.
  const namedKind = named ? kindOfType(named) : null;
  if (sniffed && (sniffed.kind === "audio" || sniffed.kind === "video") && (namedKind === "audio" || namedKind === "video")) {
    return { kind: namedKind, mediaType: named! };
  }
  if (sniffed) return { kind: sniffed.kind === "pdf" ? "document" : sniffed.kind, mediaType: sniffed.mediaType };
  // `.ts` is TypeScript far more often than an MPEG transport stream (whose packets start with 0x47).
  if (named === "video/mp2t" && head[0] !== 0x47) return { kind: "document", mediaType: "text/plain" };
  if (named) {
    if (namedKind) return { kind: namedKind, mediaType: named };
    throw badRequest(`Show presents images, videos, audio and documents; ${name} is ${named}`);
  }
  if (!head.includes(0)) return { kind: "document", mediaType: "text/plain" };
  throw badRequest(`Show presents images, videos, audio and documents; ${name} is a file of unknown type`);
}

function kindOfType(mediaType: string): ShownKind | null {
  if (mediaType.startsWith("image/")) return "image";
  if (mediaType.startsWith("video/")) return "video";
  if (mediaType.startsWith("audio/")) return "audio";
  if (DOCUMENT_TYPES.has(mediaType) || DOCUMENT_PREFIXES.some((prefix) => mediaType.startsWith(prefix))) return "document";
  return null;
}
