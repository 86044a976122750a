/** Chunking a document's text: paragraphs kept whole, long ones cut at sentences, neighbours overlapping. */
import { chunkText } from "./chunker";

describe("chunkText", () => {
  it("packs whole paragraphs into chunks up to the size, each repeating the end of the one before", () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} talks about topic number ${i} at some length here.`);
    const chunks = chunkText(paragraphs.join("\n\n"), { size: 200, overlap: 40 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(200 + 40 + 2);
    // Every paragraph is whole in some chunk: none was cut at a chunk boundary.
    for (const paragraph of paragraphs) expect(chunks.some((chunk) => chunk.includes(paragraph))).toBe(true);
    // The overlap: each chunk after the first starts with words that ended the one before.
    for (let i = 1; i < chunks.length; i++) {
      const firstWords = chunks[i]!.split("\n\n")[0]!;
      expect(chunks[i - 1]!.endsWith(firstWords)).toBe(true);
    }
  });

  it("cuts a paragraph longer than a chunk at sentence ends", () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence ${i} ends here.`).join(" ");
    const chunks = chunkText(sentences, { size: 120, overlap: 0 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(120);
      expect(chunk).toMatch(/\.$/);
    }
    expect(chunks.join(" ")).toBe(sentences);
  });

  it("cuts a text without spaces hard, and gives nothing for blank text", () => {
    expect(chunkText("x".repeat(250), { size: 100, overlap: 10 })).toEqual(["x".repeat(100), "x".repeat(100), "x".repeat(50)]);
    expect(chunkText("  \n\n \r\n ", { size: 100, overlap: 10 })).toEqual([]);
  });
});
