/**
 * Media of stored tool results, read again from the session folder for the model the loop calls
 * (fitted to its limits, which may differ from the model that first read them). A file gone or
 * changed into something the model cannot take by now is replayed as a sentence saying so.
 */
import { realpath } from "node:fs/promises";
import { AppError } from "../errors/app-error";
import { loadMedia } from "../media/load-media";
import type { MediaTarget } from "../media/media-limits";
import type { ModelMessage, ToolResultMedia, ToolResultMessage } from "../models/model-provider";
import { resolveAgentPath } from "../storage/safe-path";

export async function replayMedia(history: ModelMessage[], sessionDir: string, target: MediaTarget): Promise<void> {
  const pending = history.flatMap((message) => (message.role === "tool" ? message.results.filter((result) => result.mediaRefs?.length) : []));
  if (pending.length === 0) return;
  const root = await folderOf(sessionDir);
  for (const result of pending) await replayResult(result, root, target);
}

/** The folder with links resolved; one never made (or deleted since) holds none of the files. */
async function folderOf(sessionDir: string): Promise<string | null> {
  try {
    return await realpath(sessionDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function replayResult(result: ToolResultMessage, root: string | null, target: MediaTarget): Promise<void> {
  const media: ToolResultMedia[] = [];
  const notes: string[] = [];
  for (const ref of result.mediaRefs ?? []) {
    try {
      if (root === null) throw Object.assign(new Error("no session folder"), { code: "ENOENT" });
      media.push((await loadMedia(root, await resolveAgentPath(root, ref.path), ref.path, target)).media);
    } catch (error) {
      const note = replayFailure(error, ref.path);
      if (note === null) throw error;
      notes.push(note);
    }
  }
  delete result.mediaRefs;
  if (media.length) result.media = media;
  if (notes.length) result.result = `${result.result}\n\n${notes.join("\n")}`;
}

function replayFailure(error: unknown, path: string): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return `[${path} is no longer in the session folder, so it cannot be shown again.]`;
  if (error instanceof AppError && error.status < 500) return `[${path} cannot be shown again: ${error.message}]`;
  return null;
}
