/**
 * The text of a document added to a workspace's knowledge: its format from its name or
 * Content-Type, then its text (HTML without markup as web_fetch reads pages, PDF through
 * pdftotext as ReadMedia does). Anything that is not one of the formats, or holds no text,
 * is refused with a 4xx that says why.
 */
import { execFile } from "node:child_process";
import type { KnowledgeFormat } from "../contracts";
import { AppError, badRequest, validationError } from "../errors/app-error";
import { htmlToText } from "../tools/html-text";

const PDF_TEXT_TIMEOUT_MS = 30_000;
/** More text than a PDF of the largest allowed size plausibly holds: past it pdftotext is stopped. */
const PDF_TEXT_MAX_BYTES = 64 * 1024 * 1024;
const BY_EXTENSION: Record<string, KnowledgeFormat> = {
  txt: "text",
  text: "text",
  csv: "text",
  json: "text",
  md: "markdown",
  markdown: "markdown",
  html: "html",
  htm: "html",
  pdf: "pdf",
};
const SUPPORTED = "text (.txt), markdown (.md), HTML (.html) or PDF (.pdf)";

export const unsupportedType = (what: string) => new AppError(415, "validation_error", `${what} is not supported: add ${SUPPORTED}`, "unsupported_media_type");

/** The format a Content-Type names, else the file name's extension; null: neither is one of ours. */
export function formatOf(name: string, contentType = ""): KnowledgeFormat | null {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "application/pdf") return "pdf";
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (type === "text/markdown" || type === "text/x-markdown") return "markdown";
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (extension && BY_EXTENSION[extension]) return BY_EXTENSION[extension];
  if (type === "text/plain" || type === "application/json" || type === "text/csv") return "text";
  return null;
}

/** The document's text, trimmed; a document that is empty or not what its format says answers 400. */
export async function documentText(bytes: Buffer, format: KnowledgeFormat): Promise<string> {
  if (bytes.length === 0) throw validationError("The document is empty");
  const text = format === "pdf" ? await pdfText(bytes) : decodeText(bytes, format);
  // An entity such as &#xD800; decodes to a lone surrogate, which Postgres cannot store: it becomes U+FFFD.
  const clean = storableText(format === "html" ? htmlToText(text) : text).trim();
  if (!clean) throw validationError("The document holds no text");
  return clean;
}

function decodeText(bytes: Buffer, format: KnowledgeFormat): string {
  // A NUL byte means a binary file named like text; Postgres could not store it either.
  if (bytes.includes(0)) throw validationError(`The document holds NUL bytes: it is binary, not ${format}`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw validationError(`The document is not valid UTF-8 ${format}`);
  }
}

/** pdftotext reads the PDF from its standard input: no file of the document is ever written. */
function pdfText(bytes: Buffer): Promise<string> {
  if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") return Promise.reject(validationError("The document is not a PDF (no %PDF- header)"));
  return new Promise((resolve, reject) => {
    const child = execFile(
      "pdftotext",
      ["-enc", "UTF-8", "-layout", "-", "-"],
      { timeout: PDF_TEXT_TIMEOUT_MS, maxBuffer: PDF_TEXT_MAX_BYTES, encoding: "utf8" },
      (error, stdout, stderr) => {
        // A NUL in the extracted text could not be stored; page breaks become paragraph breaks.
        if (!error) return resolve(stdout.replaceAll("\u0000", "").replaceAll("\f", "\n\n"));
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return reject(new AppError(501, "internal_error", "pdftotext is not installed on this server (Debian package poppler-utils)"));
        if (code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER")
          return reject(validationError(`The PDF's text is larger than ${PDF_TEXT_MAX_BYTES / 1024 / 1024} MB`));
        if (error.killed) return reject(badRequest(`pdftotext did not finish within ${PDF_TEXT_TIMEOUT_MS / 1000} s`));
        reject(validationError(`The PDF could not be read: ${stderr.trim().split("\n").at(-1)?.slice(0, 300) || `exit code ${String(error.code)}`}`));
      },
    );
    // A PDF pdftotext stops reading early closes the pipe: that is its answer, not ours to report.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(bytes);
  });
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text Postgres can store: no NUL byte, no lone surrogate (each becomes U+FFFD). */
export function storableText(text: string): string {
  return text.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\ufffd");
}
