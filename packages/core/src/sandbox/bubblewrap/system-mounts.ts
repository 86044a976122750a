/**
 * What of the host a bubblewrap sandbox sees: the system folders programs need, read-only, and
 * nothing else. Worked out once per worker, since it depends only on how the host is laid out.
 */
import { lstat, readlink } from "node:fs/promises";
import path from "node:path";

// Top-level folders with programs and libraries. On merged-/usr systems most are links into /usr.
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

// The parts of /etc that name resolution, certificates, the dynamic linker and alternatives need
// (users and groups are the sandbox's own, see bwrap-args.ts).
// Nothing else of /etc (no shadow, no ssh host keys, no service configuration).
const ETC_ENTRIES = [
  "/etc/nsswitch.conf",
  "/etc/hosts",
  "/etc/host.conf",
  "/etc/resolv.conf",
  "/etc/gai.conf",
  "/etc/services",
  "/etc/protocols",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/os-release",
  "/etc/mime.types",
  "/etc/alternatives",
  "/etc/ssl/certs",
  "/etc/ssl/openssl.cnf",
  "/etc/ca-certificates",
  "/etc/pki/tls/certs",
  "/etc/pki/ca-trust",
];

export interface SystemMounts {
  /** bwrap arguments that set up the read-only system view. */
  args: string[];
}

/**
 * The read-only system view. `privatePaths` (the worker's code, its working folder, the storage
 * root) are hidden under an empty tmpfs when they happen to lie inside a bound system folder
 * (say an app installed under /usr/src), so binding /usr never exposes them.
 */
export async function systemMounts(privatePaths: string[]): Promise<SystemMounts> {
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
  for (const entry of ETC_ENTRIES) {
    // -try: a host without the entry just lacks it in the sandbox too.
    args.push("--ro-bind-try", entry, entry);
    bound.push(entry);
  }
  for (const hidden of new Set(privatePaths.map((p) => path.resolve(p)))) {
    if (bound.some((dir) => hidden === dir || hidden.startsWith(`${dir}/`))) args.push("--tmpfs", hidden);
  }
  return { args };
}

async function lstatOrNull(file: string) {
  try {
    return await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
