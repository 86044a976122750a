/**
 * Tool results in the AI SDK's shapes, media included. Anthropic and Gemini take files inside a
 * tool result (`output: { type: "content" }`); OpenAI's chat tool messages hold text only (the
 * SDK would send the base64 as JSON text), so there the files follow in a user message.
 */
import type { ModelMessage as SdkMessage, ToolResultPart } from "ai";
import type { ToolResultMedia, ToolResultMessage } from "../model-provider";
import type { ProviderKind } from "./provider-kind";

const MEDIA_IN_TOOL_RESULT: ReadonlySet<ProviderKind> = new Set(["anthropic", "gemini"]);

export function toolResultMessages(results: ToolResultMessage[], kind: ProviderKind): SdkMessage[] {
  const inline = MEDIA_IN_TOOL_RESULT.has(kind);
  const content = results.map((result): ToolResultPart => {
    const base = { type: "tool-result" as const, toolCallId: result.toolCallId, toolName: result.toolName };
    if (result.isError) return { ...base, output: { type: "error-text", value: result.result } };
    if (!inline || !result.media?.length) return { ...base, output: { type: "text", value: result.result } };
    return { ...base, output: { type: "content", value: [{ type: "text", text: result.result }, ...result.media.map(filePart)] } };
  });
  const messages: SdkMessage[] = [{ role: "tool", content }];
  const attached = inline ? [] : results.filter((result) => !result.isError && result.media?.length);
  if (attached.length > 0) {
    messages.push({
      role: "user",
      content: attached.flatMap((result) => [
        { type: "text" as const, text: `The files the ${result.toolName} call ${result.toolCallId} returned:` },
        ...result.media!.map(filePart),
      ]),
    });
  }
  return messages;
}

function filePart(media: ToolResultMedia) {
  return { type: "file" as const, data: { type: "data" as const, data: media.data }, mediaType: media.mediaType, filename: baseName(media.path) };
}

const baseName = (path: string) => path.split("/").at(-1) || path;
