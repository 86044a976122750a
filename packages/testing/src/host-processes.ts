/** The processes on this machine whose command line contains a marker: how tests see what a sandbox left running. */
import { readdir, readFile } from "node:fs/promises";

export interface HostProcess {
  pid: number;
  uid: number;
  cmdline: string;
}

/** Live processes (zombies excluded) whose NUL-joined command line includes `marker`. */
export async function hostProcessesMatching(marker: string): Promise<HostProcess[]> {
  const found: HostProcess[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const process = await readProcess(Number(entry));
    if (process && process.cmdline.includes(marker)) found.push(process);
  }
  return found;
}

async function readProcess(pid: number): Promise<HostProcess | null> {
  try {
    const [cmdline, status] = await Promise.all([readFile(`/proc/${pid}/cmdline`, "utf8"), readFile(`/proc/${pid}/status`, "utf8")]);
    if (/^State:\s+Z/m.test(status)) return null;
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    return { pid, uid, cmdline: cmdline.replaceAll("\0", " ").trim() };
  } catch (error) {
    // The process ended between the listing and the read.
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ESRCH") return null;
    throw error;
  }
}
