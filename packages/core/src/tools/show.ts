/**
 * Show: the agent presents files of the session folder to the user. Nothing is sent anywhere:
 * the result names each file (type, size, its files-API URL, a thumbnail URL for images and
 * videos) as JSON, and a client renders them from the tool call in the transcript or stream.
 */
import { z } from "zod";
import { openMediaFile, readHead } from "../media/open-media-file";
import { shownType, type ShownKind } from "../media/shown-type";
import { agentPath, sessionRoot, shownPath } from "./paths";
import { defineTool, ToolError, type ToolContext } from "./tool";

export const SHOW = "Show";
const MAX_FILES = 20;
const MAX_SECONDS = 86_400;
const HEAD_BYTES = 512;
const THUMBNAIL_QUERY = "thumb=w400";

const seconds = z.number().min(0).max(MAX_SECONDS);
const shownFile = z.strictObject({
  path: z.string().min(1).describe("Path of the file, relative to the session folder (or absolute inside it)"),
  caption: z.string().max(2_000).optional().describe("A line shown with the file"),
  startTime: seconds.optional().describe("For a video or audio file: where the part to show starts, in seconds"),
  endTime: seconds.optional().describe("For a video or audio file: where the part to show ends, in seconds"),
});
const input = z.strictObject({
  files: z.array(shownFile).min(1).max(MAX_FILES).describe("The files to show, in the order the user should see them"),
});

/** One file as the result names it, for clients to render. */
export interface ShownFile {
  path: string;
  kind: ShownKind;
  mediaType: string;
  size: number;
  /** The files API: GET it with the session's credentials. */
  url: string;
  /** Images and videos: a 400-px-wide thumbnail. */
  thumbnailUrl?: string;
  caption?: string;
  startTime?: number;
  endTime?: number;
}

export const showTool = defineTool({
  name: SHOW,
  description:
    "Presents files of the session folder to the user: images, videos, audio and documents (PDF, text, Office files), each with an optional " +
    "caption, and for video or audio an optional segment (startTime/endTime in seconds). Use it to show results you made (a chart, a " +
    "rendered video, a report). It does not show you the file; use ReadMedia or ReadText for that.",
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "files",
  async execute({ files }, context) {
    if (!context.sessionId) throw new ToolError("Show is not available here: there is no session to link the files of");
    const root = await sessionRoot(context);
    const shown: ShownFile[] = [];
    for (const file of files) shown.push(await describe(file, root, context, context.sessionId));
    return JSON.stringify({ shown });
  },
});

async function describe(file: z.output<typeof shownFile>, root: string, context: ToolContext, sessionId: string): Promise<ShownFile> {
  const absolute = await agentPath(context, file.path);
  const name = shownPath(root, absolute);
  if (name === ".") throw new ToolError(`${file.path} is the session folder itself, not a file`);
  const { handle, size } = await openMediaFile(root, absolute, name).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new ToolError(`File not found: ${file.path}`);
    throw error;
  });
  let head: Buffer;
  try {
    head = await readHead(handle, HEAD_BYTES);
  } finally {
    await handle.close();
  }
  const { kind, mediaType } = shownType(name, head);
  const timed = kind === "video" || kind === "audio";
  if (!timed && (file.startTime !== undefined || file.endTime !== undefined)) {
    throw new ToolError(`${name} is ${kind === "image" ? "an image" : "a document"}: startTime and endTime are for video and audio files`);
  }
  if (file.startTime !== undefined && file.endTime !== undefined && file.endTime <= file.startTime) {
    throw new ToolError(`${name}: endTime (${file.endTime}) must come after startTime (${file.startTime})`);
  }
  const url = `/api/sessions/${encodeURIComponent(sessionId)}/files/${name.split("/").map(encodeURIComponent).join("/")}`;
  return {
    path: name,
    kind,
    mediaType,
    size,
    url,
    ...(kind === "image" || kind === "video" ? { thumbnailUrl: `${url}?${THUMBNAIL_QUERY}` } : {}),
    ...(file.caption !== undefined ? { caption: file.caption } : {}),
    ...(file.startTime !== undefined ? { startTime: file.startTime } : {}),
    ...(file.endTime !== undefined ? { endTime: file.endTime } : {}),
  };
}
