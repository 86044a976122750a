/** The environment a sandboxed command starts with: built from scratch, nothing of the worker's. */

/** Where commands find programs inside the sandbox (the system folders are bound read-only). */
export const SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function sandboxEnv(home: string, path: string, own: Record<string, string> = {}): Record<string, string> {
  return { PATH: path, HOME: home, LANG: "C.UTF-8", TERM: "dumb", TMPDIR: "/tmp", ...own };
}
