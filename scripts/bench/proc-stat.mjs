// CPU time and memory of processes, read from Linux's /proc (the processes mode's probe).
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime: USER_HZ, 100 on Linux. */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    return { comm: stat.slice(stat.indexOf("(") + 1, close), fields: stat.slice(close + 2).split(" ") };
  } catch {
    return undefined; // the process has exited
  }
}

/** User + system CPU seconds the process has used so far (0 once it has exited). */
export function cpuSeconds(pid) {
  const stat = statFields(pid);
  // After the name: state is field 3 of stat(5), utime 14 and stime 15, so indexes 11 and 12 here.
  return stat ? (Number(stat.fields[11]) + Number(stat.fields[12])) / TICKS_PER_SECOND : 0;
}

/** Every process whose command name is `comm` (e.g. all of Postgres's "postgres" processes), whoever started it. */
export function pidsNamed(comm) {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && statFields(entry)?.comm === comm)
    .map(Number);
}

/** CPU seconds of every process named `comm`, by pid: a snapshot to subtract from a later one. */
export function cpuByName(comm) {
  return new Map(pidsNamed(comm).map((pid) => [pid, cpuSeconds(pid)]));
}

/** CPU seconds of a process and its children by pid (a Postgres server: its postmaster and every backend and helper it forked). */
export function cpuOfTree(rootPid) {
  const pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry) && Number(statFields(entry)?.fields[1]) === rootPid);
  return new Map([rootPid, ...pids.map(Number)].map((pid) => [pid, cpuSeconds(pid)]));
}

/**
 * CPU seconds the processes named in `later` used since `earlier`. A process started in between
 * counts from zero; one that exited in between is missing from `later` and its time is lost.
 */
export function cpuSince(earlier, later) {
  let total = 0;
  for (const [pid, seconds] of later) total += seconds - (earlier.get(pid) ?? 0);
  return total;
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status), undefined once the process has exited. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The soft limit on open files of the process ("Max open files" of /proc/<pid>/limits), undefined if unknown or unlimited. */
export function openFilesLimit(pid) {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
