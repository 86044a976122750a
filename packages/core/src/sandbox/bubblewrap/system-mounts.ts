/**
 * What of the host a bubblewrap sandbox sees: the system folders programs need, read-only, and
 * nothing else. Worked out once per worker, since it depends only on how the host is laid out.
 */
import { cp, lstat, mkdir, readlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { SANDBOX_GROUP, SANDBOX_PASSWD } from "./bwrap-args";

// Top-level folders with programs and libraries. On merged-/usr systems most are links into /usr.
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

// The parts of /etc that name resolution, certificates, the dynamic linker and alternatives need.
// Nothing else of /etc (no shadow, no ssh host keys, no service configuration).
const ETC_ENTRIES = [
  "nsswitch.conf",
  "hosts",
  "host.conf",
  "resolv.conf",
  "gai.conf",
  "services",
  "protocols",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "localtime",
  "os-release",
  "mime.types",
  "alternatives",
  "ssl/certs",
  "ssl/openssl.cnf",
  "pki/tls/certs",
  "pki/ca-trust/extracted",
];

export interface SystemMounts {
  /** bwrap arguments that set up the read-only system view. */
  args: string[];
}

/**
 * The read-only system view. /etc is a copy of the entries above, made once in `etcCopy` with
 * the sandbox's own user list: one bind instead of a score of them, which is most of what a
 * command's start-up costs (a host change to those files reaches sandboxes at the next worker
 * start). `privatePaths` (the worker's code, its working folder, the storage root) are hidden
 * under an empty tmpfs when they happen to lie inside a bound system folder (say an app
 * installed under /usr/src), so binding /usr never exposes them.
 */
export async function systemMounts(etcCopy: string, privatePaths: string[]): Promise<SystemMounts> {
  const args: string[] = [];
  const bound: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = await lstatOrNull(dir);
    if (!info) continue;
    if (info.isSymbolicLink()) args.push("--symlink", await readlink(dir), dir);
    else if (info.isDirectory()) {
      args.push("--ro-bind", dir, dir);
      bound.push(dir);
    }
  }
  await copyEtc(etcCopy);
  args.push("--ro-bind", etcCopy, "/etc");
  for (const hidden of new Set(privatePaths.map((p) => path.resolve(p)))) {
    if (bound.some((dir) => hidden === dir || hidden.startsWith(`${dir}/`))) args.push("--tmpfs", hidden);
  }
  return { args };
}

async function copyEtc(etcCopy: string): Promise<void> {
  await mkdir(etcCopy, { recursive: true, mode: 0o755 });
  for (const entry of ETC_ENTRIES) {
    const source = path.join("/etc", entry);
    if (!(await lstatOrNull(source))) continue;
    await mkdir(path.dirname(path.join(etcCopy, entry)), { recursive: true, mode: 0o755 });
    // Links stay links (alternatives, certificate hashes): they point into the read-only /usr.
    await cp(source, path.join(etcCopy, entry), { recursive: true, verbatimSymlinks: true, force: true });
  }
  // The host's user names and ids stay out.
  await writeFile(path.join(etcCopy, "passwd"), SANDBOX_PASSWD, { mode: 0o644 });
  await writeFile(path.join(etcCopy, "group"), SANDBOX_GROUP, { mode: 0o644 });
}

async function lstatOrNull(file: string) {
  try {
    return await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
