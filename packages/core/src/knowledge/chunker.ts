/**
 * A document's text in chunks of about `size` characters for full-text search: paragraphs are
 * kept whole and packed together while they fit; a paragraph longer than a chunk is cut at a
 * sentence end, else a space, else hard. Each chunk after the first starts with the last
 * `overlap` characters of the one before (from a word boundary), so a passage cut in two is
 * still found whole in one of them: a chunk holds at most size + overlap characters.
 */
export interface ChunkOptions {
  size: number;
  overlap: number;
}

export function chunkText(text: string, { size, overlap }: ChunkOptions): string[] {
  const pieces = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .flatMap((paragraph) => splitLong(paragraph, size));
  const chunks: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (current && current.length + 2 + piece.length > size) {
      chunks.push(current);
      current = withOverlap(current, piece, overlap);
      continue;
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The next chunk's start: the end of the previous chunk (cut at a word), then the new piece. */
function withOverlap(previous: string, piece: string, overlap: number): string {
  if (overlap <= 0) return piece;
  let tail = previous.slice(-overlap);
  const space = tail.search(/\s/);
  tail = space >= 0 ? tail.slice(space).trim() : "";
  return tail ? `${tail}\n\n${piece}` : piece;
}

function splitLong(paragraph: string, size: number): string[] {
  const parts: string[] = [];
  let rest = paragraph;
  while (rest.length > size) {
    const window = rest.slice(0, size);
    const sentence = Math.max(window.lastIndexOf(". "), window.lastIndexOf("? "), window.lastIndexOf("! "), window.lastIndexOf("\n"));
    const space = window.lastIndexOf(" ");
    const cut = sentence > size / 2 ? sentence + 1 : space > size / 2 ? space : size;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
