/** Finds a host program the sandbox needs (bwrap, prlimit) by name on PATH or by absolute path. */
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { SYSTEM_PATH } from "./sandbox-env";

/** The absolute path of an executable, or null when there is none. */
export async function findProgram(name: string, searchPath = `${process.env.PATH ?? ""}:${SYSTEM_PATH}`): Promise<string | null> {
  const candidates = name.includes("/")
    ? [path.resolve(name)]
    : searchPath
        .split(":")
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch (error) {
      if (!["ENOENT", "EACCES", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
    }
  }
  return null;
}
