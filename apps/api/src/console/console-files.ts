/**
 * The built console (apps/console/dist) as files to serve: a request path is mapped to a file
 * only inside that folder, and a path that names no file is a client route, answered with
 * index.html. Asset names carry a content hash, so they may be cached for good.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

/** Where the console package builds to, from this file in src/console or dist/console of apps/api. */
export const CONSOLE_DIST = path.resolve(__dirname, "../../../console/dist");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  /** Hashed build assets never change under their name; index.html must be re-read each time. */
  immutable: boolean;
}

/** Vite names every built asset `assets/<name>-<hash>.<ext>`. */
const isHashedAsset = (relative: string) => relative.startsWith("assets/");

export class ConsoleFiles {
  constructor(private readonly root: string = CONSOLE_DIST) {}

  /**
   * The file for a path below /console/ ("" for the page itself). A path with a dot in its last
   * segment asks for a file: missing, it is a 404 (a stale asset must not be answered with HTML).
   * Anything else is a client route of the single-page app.
   */
  async resolve(relativePath: string): Promise<ConsoleFile | undefined> {
    const clean = relativePath.replace(/^\/+/, "");
    const target = path.resolve(this.root, clean);
    // Outside the folder (.., encoded or not, or an absolute path): nothing to serve.
    if (target !== this.root && !target.startsWith(this.root + path.sep)) return undefined;
    const file = clean === "" ? undefined : await this.read(target, clean);
    if (file) return file;
    const lastSegment = clean.split("/").pop() ?? "";
    if (lastSegment.includes(".") || clean.startsWith("assets/")) return undefined;
    return this.read(path.join(this.root, "index.html"), "index.html");
  }

  private async read(file: string, relative: string): Promise<ConsoleFile | undefined> {
    try {
      if (!(await stat(file)).isFile()) return undefined;
      const body = await readFile(file);
      const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
      return { body, contentType, immutable: isHashedAsset(relative) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
      throw error;
    }
  }
}
