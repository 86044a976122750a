/**
 * A PDF's text, for ReadMedia on a model that takes no documents. pdftotext parses a file the
 * agent (or a web page it downloaded) chose, so it runs in the session's sandbox like any
 * command, without network, and only on a name inside the session folder.
 */
import { shownOutput } from "./command-result";
import type { ToolContext } from "./tool";

/** What the model gets of a PDF's text at most: a long report, not a library. */
export const PDF_TEXT_MAX_CHARS = 100_000;
const PDF_TEXT_TIMEOUT_MS = 30_000;

export type PdfText = { ok: true; text: string } | { ok: false; reason: string };

/** `shown` is the file's path relative to the session folder, which is the command's working folder. */
export async function pdfText(context: ToolContext, sessionRoot: string, shown: string): Promise<PdfText> {
  const run = await context.sandbox.run({
    // "./" keeps a file named like an option ("-opw x.pdf") a file name; "-" prints to standard output.
    argv: ["pdftotext", "-enc", "UTF-8", "-layout", `./${shown}`, "-"],
    workdir: sessionRoot,
    network: "none",
    timeoutMs: PDF_TEXT_TIMEOUT_MS,
    maxOutputChars: PDF_TEXT_MAX_CHARS,
    signal: context.signal,
  });
  context.signal.throwIfAborted();
  if (run.exitCode === 127) return { ok: false, reason: "pdftotext is not installed on the worker host (Debian package poppler-utils)" };
  if (run.stoppedBy !== null) return { ok: false, reason: `pdftotext did not finish (${run.stoppedBy})` };
  if (run.exitCode !== 0) return { ok: false, reason: `pdftotext could not read it: ${run.stderr.text.trim().slice(0, 300) || `exit code ${run.exitCode}`}` };
  const text = shownOutput(run.stdout).trim();
  if (!text) return { ok: false, reason: "it holds no text layer (a scanned PDF?)" };
  return { ok: true, text };
}
