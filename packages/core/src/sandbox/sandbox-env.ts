/** The environment a sandboxed command starts with: built from scratch, nothing of the worker's. */

/** The usual system program folders: the sandbox's PATH (they are bound read-only), and where the worker looks for bwrap and prlimit. */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function sandboxEnv(home: string, path: string, own: Record<string, string> = {}): Record<string, string> {
  return { PATH: path, HOME: home, LANG: "C.UTF-8", TERM: "dumb", TMPDIR: "/tmp", ...own };
}
