/**
 * The text of a document added to a workspace's knowledge: its format from its name or
 * Content-Type, then its text (HTML without markup as web_fetch reads pages, PDF through
 * pdftotext in the sandbox, as ReadMedia does). Anything that is not one of the formats, or holds no text,
 * is refused with a 4xx that says why.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { KnowledgeFormat } from "../contracts";
import { AppError, badRequest, validationError } from "../errors/app-error";
import { parserMessage, type ConfinedParser } from "../parsing/confined-parser";
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
export async function documentText(bytes: Buffer, format: KnowledgeFormat, parser: ConfinedParser | undefined): Promise<string> {
  if (bytes.length === 0) throw validationError("The document is empty");
  const text = format === "pdf" ? await pdfText(bytes, parser) : decodeText(bytes, format);
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

/** pdftotext in the sandbox (a crafted PDF is the usual way into a parser): the PDF in, its text out, as files. */
async function pdfText(bytes: Buffer, parser: ConfinedParser | undefined): Promise<string> {
  if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") throw validationError("The document is not a PDF (no %PDF- header)");
  if (!parser) throw new AppError(501, "internal_error", "PDF documents cannot be added here");
  return parser.run(
    {
      writeInput: (dir) => writeFile(path.join(dir, "document.pdf"), bytes),
      argv: ["pdftotext", "-enc", "UTF-8", "-layout", "document.pdf", "document.txt"],
      timeoutMs: PDF_TEXT_TIMEOUT_MS,
    },
    async ({ run, output }) => {
      if (run.exitCode === 127) throw new AppError(501, "internal_error", "pdftotext is not installed on this server (Debian package poppler-utils)");
      if (run.stoppedBy === "timeout") throw badRequest(`pdftotext did not finish within ${PDF_TEXT_TIMEOUT_MS / 1000} s`);
      if (run.limitHit) throw badRequest(`pdftotext stopped: ${run.limitHit.message}`);
      if (run.exitCode !== 0) throw validationError(`The PDF could not be read: ${parserMessage(run)}`);
      const text = await output("document.txt", PDF_TEXT_MAX_BYTES);
      if (text === "too_large") throw validationError(`The PDF's text is larger than ${PDF_TEXT_MAX_BYTES / 1024 / 1024} MB`);
      if (text === "missing") throw validationError("The PDF could not be read: pdftotext wrote no text");
      // A NUL in the extracted text could not be stored; page breaks become paragraph breaks.
      return text.toString("utf8").replaceAll("\u0000", "").replaceAll("\f", "\n\n");
    },
  );
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text Postgres can store: no NUL byte, no lone surrogate (each becomes U+FFFD). */
export function storableText(text: string): string {
  return text.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\ufffd");
}
