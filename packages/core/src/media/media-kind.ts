/**
 * What a file is, from its first bytes rather than its name: a model is sent what the bytes
 * are, and a text file renamed `.png` is refused instead of sent as a broken image.
 */

export type MediaKind = "image" | "pdf" | "audio" | "video";

export interface SniffedMedia {
  kind: MediaKind;
  /** The IANA type the bytes are, e.g. "image/png". */
  mediaType: string;
}

/** Bytes enough for every signature below. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, at: number, text: string) => Buffer.from(bytes.subarray(at, at + text.length)).toString("latin1") === text;

/** The media the bytes start as, or null for anything else (text, archives, unknown binaries). */
export function sniffMedia(bytes: Uint8Array): SniffedMedia | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, "PNG\r\n\x1a\n")) return { kind: "image", mediaType: "image/png" };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: "image", mediaType: "image/jpeg" };
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return { kind: "image", mediaType: "image/gif" };
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return { kind: "image", mediaType: "image/webp" };
  if (ascii(b, 0, "%PDF-")) return { kind: "pdf", mediaType: "application/pdf" };
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return { kind: "audio", mediaType: "audio/wav" };
  if (ascii(b, 0, "ID3")) return { kind: "audio", mediaType: "audio/mpeg" };
  if (ascii(b, 0, "fLaC")) return { kind: "audio", mediaType: "audio/flac" };
  if (ascii(b, 0, "OggS")) return { kind: "audio", mediaType: "audio/ogg" };
  if (ascii(b, 0, "FORM") && (ascii(b, 8, "AIFF") || ascii(b, 8, "AIFC"))) return { kind: "audio", mediaType: "audio/aiff" };
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) {
    // An MPEG frame header: layer bits 00 are AAC's ADTS header, any other layer is MP3.
    return (b[1]! & 0x06) === 0 ? { kind: "audio", mediaType: "audio/aac" } : { kind: "audio", mediaType: "audio/mpeg" };
  }
  if (ascii(b, 4, "ftyp")) {
    const brand = Buffer.from(b.subarray(8, 12)).toString("latin1");
    return brand.startsWith("M4A")
      ? { kind: "audio", mediaType: "audio/mp4" }
      : brand === "qt  "
        ? { kind: "video", mediaType: "video/quicktime" }
        : { kind: "video", mediaType: "video/mp4" };
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: "video", mediaType: "video/webm" };
  return null;
}
