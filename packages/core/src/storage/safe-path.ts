/**
 * The one place that turns a client-supplied file name into a path inside a session's folder.
 * Everything that reaches the disk from a request goes through here.
 */
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { badRequest } from "../errors/app-error";

/**
 * Where the store once kept its staging and cache folders inside each session folder. It keeps
 * them outside now (see local-blob-store), so these are only legacy names: session folders made
 * before may still hold them, and they stay hidden and refused so old caches never show up.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([".thumbs", ".uploads"]);

// C0 controls, DEL and C1 controls: never part of a name a person meant to type.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Decodes a raw (still percent-encoded) URL path suffix exactly once. A second layer of
 * encoding (`%252e`) stays literal, so it names a file called `%2e`, never a parent folder.
 */
export function decodePathOnce(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest("File name is not valid percent-encoding");
  }
}

/**
 * Checks a decoded relative name and returns its segments. Plain names only unless `nested`;
 * nested names may use `/` but no segment may be empty, `.` or `..`.
 */
export function checkRelativeName(name: string, options: { nested: boolean }): string[] {
  if (name.length === 0) throw badRequest("File name is required");
  if (name.length > 1024) throw badRequest("File name is too long");
  if (name.includes("\0")) throw badRequest("File name contains a NUL byte");
  if (CONTROL.test(name)) throw badRequest("File name contains control characters");
  if (name.includes("\\")) throw badRequest("File name contains a backslash");
  if (name.startsWith("/") || path.isAbsolute(name)) throw badRequest("File name must be relative");
  const segments = name.split("/");
  if (!options.nested && segments.length > 1) throw badRequest("File name must not contain '/'");
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") throw badRequest("File name must not contain empty, '.' or '..' parts");
    if (Buffer.byteLength(segment) > 255) throw badRequest("File name part is longer than 255 bytes");
  }
  if (RESERVED_NAMES.has(segments[0]!)) throw badRequest(`'${segments[0]}' is reserved`);
  return segments;
}

/** True when `target` is `dir` itself or lies below it (both already resolved). */
export function isInside(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  // Only a first segment that is exactly `..` leaves: `...` and `..notes` are names inside.
  const first = relative.split(path.sep)[0];
  return relative === "" || (first !== ".." && !path.isAbsolute(relative));
}

/**
 * The absolute path of `name` inside `sessionDir`, after following symlinks: the deepest
 * existing ancestor (or the target itself) must resolve inside the session folder, so a link
 * the agent created that points outside is refused with 400, and so is a dangling link.
 */
export async function resolveInside(sessionDir: string, name: string, options: { nested: boolean }): Promise<string> {
  const segments = checkRelativeName(name, options);
  const root = await realpath(sessionDir);
  const target = path.join(root, ...segments);
  const resolved = await realpathOfExisting(target);
  if (!isInside(root, resolved)) throw badRequest("File name resolves outside the session folder");
  return target;
}

/** realpath of the path, or of its nearest existing ancestor when it does not exist yet. */
async function realpathOfExisting(target: string): Promise<string> {
  let current = target;
  for (;;) {
    try {
      return await realpath(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      // A link whose target is missing could still be written through: refuse it.
      if (await isDanglingLink(current)) throw badRequest("File name is a link to a missing target");
      const parent = path.dirname(current);
      if (parent === current) throw error;
      current = parent;
    }
  }
}

async function isDanglingLink(candidate: string): Promise<boolean> {
  try {
    return (await lstat(candidate)).isSymbolicLink();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/**
 * A path as a model writes it (relative to the session folder, or absolute but inside it) as an
 * absolute path checked by resolveInside. "", "." and the folder itself name the folder. Throws
 * a 400 AppError when the path leaves the folder, lexically or through a link.
 */
export async function resolveAgentPath(sessionDir: string, given: string): Promise<string> {
  const root = await realpath(sessionDir);
  let relative = given.trim();
  if (path.isAbsolute(relative)) {
    const absolute = path.resolve(relative);
    // The folder may be reached through a link (macOS /tmp), so both spellings count as inside.
    const base = [path.resolve(sessionDir), root].find((dir) => isInside(dir, absolute));
    if (!base) throw badRequest(`'${given}' is outside the session folder`);
    relative = path.relative(base, absolute).split(path.sep).join("/");
  } else {
    relative = path.posix.normalize(relative).replace(/\/+$/, "");
  }
  if (relative === "" || relative === ".") return root;
  return resolveInside(root, relative, { nested: true });
}
