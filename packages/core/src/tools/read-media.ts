/** ReadMedia: an image, PDF or audio file of the session folder into the model's context, as its native input. */
import { z } from "zod";
import { isPdfNotTaken, loadMedia } from "../media/load-media";
import { agentPath, sessionRoot, shownPath } from "./paths";
import { pdfText } from "./pdf-text";
import { defineTool, ToolError } from "./tool";

export const READ_MEDIA = "ReadMedia";

const input = z.strictObject({
  file_path: z.string().min(1).describe("Path of the file, relative to the session folder (or absolute inside it)"),
});

export const readMediaTool = defineTool({
  name: READ_MEDIA,
  description:
    "Shows you an image (png, jpeg, gif, webp), a PDF or an audio file (wav, mp3, ...) from the session folder, as the model's own " +
    "image, document or audio input, so you can look at a chart, a screenshot or a scanned page. Large images are scaled down. " +
    "A PDF goes to a model that takes no documents as its text. What the current model cannot take (audio on most models) " +
    "is refused with what to do instead. " +
    "For text files use ReadText; to present a file to the user use Show.",
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "files",
  async execute({ file_path }, context) {
    if (!context.model) throw new ToolError("ReadMedia is not available here: the model this result goes to is unknown");
    const root = await sessionRoot(context);
    const file = await agentPath(context, file_path);
    const shown = shownPath(root, file);
    try {
      const loaded = await loadMedia(root, file, shown, context.model);
      return { output: loaded.summary, isError: false, media: [loaded.media] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ToolError(`File not found: ${file_path}`);
      if (!isPdfNotTaken(error)) throw error;
      // The model takes no documents: its text instead, which the transcript keeps (nothing to replay).
      const extracted = await pdfText(context, root, shown);
      if (!extracted.ok) throw new ToolError(`${(error as Error).message} (Its text could not be read either: ${extracted.reason}.)`);
      return `Text of PDF ${shown} (this model takes no PDF documents, so only its text layer; figures and layout are lost):\n\n${extracted.text}`;
    }
  },
});
