/** A knowledge document's format and text, and the URL fetch's address rules. */
import { testParserStorage } from "../../test/helpers/test-sandbox";
import type { ConfinedParser } from "../parsing/confined-parser";
import { documentText, formatOf } from "./document-text";
import { fetchSource } from "./document-sources";

describe("formatOf", () => {
  it("reads the Content-Type first, then the extension", () => {
    expect(formatOf("page", "text/html; charset=utf-8")).toBe("html");
    expect(formatOf("x.bin", "application/pdf")).toBe("pdf");
    expect(formatOf("README.MD")).toBe("markdown");
    expect(formatOf("notes", "text/plain")).toBe("text");
    expect(formatOf("photo.png", "image/png")).toBeNull();
    expect(formatOf("archive.zip")).toBeNull();
  });
});

describe("documentText", () => {
  let parser: ConfinedParser;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ parser, cleanup } = await testParserStorage("document-text"));
  });
  afterAll(() => cleanup());

  it("takes the markup out of HTML and refuses what holds no text", async () => {
    await expect(documentText(Buffer.from("<style>p{}</style><p>Hello &amp; welcome</p>"), "html", parser)).resolves.toBe("Hello & welcome");
    await expect(documentText(Buffer.from("<script>x()</script>"), "html", parser)).rejects.toMatchObject({
      status: 400,
      message: "The document holds no text",
    });
    await expect(documentText(Buffer.from("a\u0000b"), "text", parser)).rejects.toMatchObject({ status: 400 });
    // Entities that decode to what Postgres cannot store are replaced, not stored.
    await expect(documentText(Buffer.from("<p>odd &#xD800; entity</p>"), "html", parser)).resolves.toBe("odd \ufffd entity");
    await expect(documentText(Buffer.from("GIF89a"), "pdf", parser)).rejects.toMatchObject({
      status: 400,
      message: "The document is not a PDF (no %PDF- header)",
    });
  });
});

describe("fetchSource", () => {
  it("refuses loopback, private and link-local addresses unless the deployment allows them", async () => {
    const limits = { maxDocumentBytes: 1024, allowPrivateNetworks: false };
    for (const address of ["http://127.0.0.1:9/x", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x"]) {
      await expect(fetchSource(address, limits)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^Refused: /) });
    }
    await expect(fetchSource("http://user:pw@example.com/", limits)).rejects.toMatchObject({ status: 400, message: "URLs with credentials are not fetched" });
  });
});
