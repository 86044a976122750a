/**
 * The multimodal parts a fake provider server was sent, read from the request as each API
 * documents them, and checked as the real API would: the base64 must decode, and the bytes must
 * be of the media type they are declared as (a PNG declared as JPEG fails here, as it does there).
 */

export interface ReceivedMedia {
  /** "image", "document" (PDF) or "audio". */
  kind: "image" | "document" | "audio";
  mediaType: string;
  bytes: Buffer;
  /** Where it was: inside a tool result (with the call's id where the format has one) or in a user message. */
  in: "tool_result" | "user";
  toolCallId?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider request bodies, read field by field
type Body = any;

/** Anthropic Messages: image and document blocks, inside tool_result content or a user message's content. */
export function anthropicReceivedMedia(body: Body): ReceivedMedia[] {
  const found: ReceivedMedia[] = [];
  const take = (block: Body, where: ReceivedMedia["in"], toolCallId?: string) => {
    if (block?.type !== "image" && block?.type !== "document") return;
    if (block.source?.type !== "base64") throw new Error(`fake anthropic: ${block.type} source must be base64, got ${block.source?.type}`);
    const kind = block.type === "image" ? "image" : "document";
    found.push({
      kind,
      mediaType: block.source.media_type,
      bytes: checked(block.source.data, block.source.media_type),
      in: where,
      ...(toolCallId ? { toolCallId } : {}),
    });
  };
  for (const message of body?.messages ?? []) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block.type === "tool_result" && Array.isArray(block.content)) for (const inner of block.content) take(inner, "tool_result", block.tool_use_id);
      else if (message.role === "user") take(block, "user");
    }
  }
  return found;
}

/** OpenAI chat completions: image_url data URLs, file parts (PDF) and input_audio, in user messages. */
export function openAiReceivedMedia(body: Body): ReceivedMedia[] {
  const found: ReceivedMedia[] = [];
  for (const message of body?.messages ?? []) {
    if (message.role === "tool" && typeof message.content !== "string") throw new Error("fake openai: a tool message's content must be text");
    if (message.role !== "user" || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (part.type === "image_url") found.push({ kind: "image", ...fromDataUrl(part.image_url?.url), in: "user" });
      if (part.type === "file") found.push({ kind: "document", ...fromDataUrl(part.file?.file_data), in: "user" });
      if (part.type === "input_audio") {
        const mediaType = part.input_audio?.format === "mp3" ? "audio/mpeg" : `audio/${part.input_audio?.format}`;
        found.push({ kind: "audio", mediaType, bytes: checked(part.input_audio?.data, mediaType), in: "user" });
      }
    }
  }
  return found;
}

/** Gemini generateContent: inlineData parts, beside a functionResponse or inside its `parts`. */
export function geminiReceivedMedia(body: Body): ReceivedMedia[] {
  const found: ReceivedMedia[] = [];
  const take = (part: Body, where: ReceivedMedia["in"], toolCallId?: string) => {
    const { mimeType, data } = part.inlineData;
    const kind = mimeType.startsWith("image/") ? "image" : mimeType.startsWith("audio/") ? "audio" : "document";
    found.push({ kind, mediaType: mimeType, bytes: checked(data, mimeType), in: where, ...(toolCallId ? { toolCallId } : {}) });
  };
  for (const content of body?.contents ?? []) {
    const parts: Body[] = content.parts ?? [];
    const inToolTurn = parts.some((part) => part.functionResponse);
    for (const part of parts) {
      if (part.inlineData) take(part, inToolTurn ? "tool_result" : "user");
      for (const inner of part.functionResponse?.parts ?? []) if (inner.inlineData) take(inner, "tool_result", part.functionResponse.id);
    }
  }
  return found;
}

/** Width and height of a PNG or baseline/progressive JPEG, from its header. */
export function imageSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.subarray(1, 4).toString("latin1") === "PNG") return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let at = 2; at + 9 < bytes.length;) {
      const marker = bytes[at + 1]!;
      const length = bytes.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      }
      at += 2 + length;
    }
  }
  throw new Error("imageSize: not a PNG or JPEG with a size header");
}

function fromDataUrl(url: unknown): { mediaType: string; bytes: Buffer } {
  const match = typeof url === "string" ? /^data:([^;,]+);base64,(.*)$/s.exec(url) : null;
  if (!match) throw new Error(`fake openai: expected a base64 data URL, got ${String(url).slice(0, 40)}`);
  return { mediaType: match[1]!, bytes: checked(match[2], match[1]!) };
}

const SIGNATURES: Record<string, (bytes: Buffer) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/gif": (b) => b.subarray(0, 4).toString("latin1") === "GIF8",
  "image/webp": (b) => b.subarray(8, 12).toString("latin1") === "WEBP",
  "application/pdf": (b) => b.subarray(0, 5).toString("latin1") === "%PDF-",
  "audio/wav": (b) => b.subarray(8, 12).toString("latin1") === "WAVE",
};

/** The decoded bytes; throws when the base64 is malformed or the bytes are not of `mediaType`. */
function checked(data: unknown, mediaType: string): Buffer {
  if (typeof data !== "string" || data.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new Error(`fake provider: ${mediaType} data is not base64`);
  const bytes = Buffer.from(data, "base64");
  if (bytes.toString("base64") !== data) throw new Error(`fake provider: ${mediaType} data is not canonical base64`);
  const signature = SIGNATURES[mediaType];
  if (signature && !signature(bytes)) throw new Error(`fake provider: the bytes declared as ${mediaType} are not ${mediaType}`);
  return bytes;
}
