/**
 * The resource limits every sandboxed command runs under, how they are applied (prlimit, inside
 * the sandbox), and how a command that ran into one is recognised so the tool can name it.
 */
import type { Config } from "../config/config";
import type { SandboxLimitHit } from "./sandbox";

export interface SandboxLimits {
  cpuSeconds: number;
  memoryBytes: number;
  maxProcesses: number;
  maxFileBytes: number;
  maxOpenFiles: number;
  /** Size of each of the sandbox's tmpfs folders (/tmp and home). */
  tmpBytes: number;
}

const MB = 1024 * 1024;

export function sandboxLimits(
  config: Pick<
    Config,
    "SANDBOX_CPU_SECONDS" | "SANDBOX_MEMORY_MB" | "SANDBOX_MAX_PROCESSES" | "SANDBOX_MAX_FILE_MB" | "SANDBOX_MAX_OPEN_FILES" | "SANDBOX_TMP_MB"
  >,
): SandboxLimits {
  return {
    cpuSeconds: config.SANDBOX_CPU_SECONDS,
    memoryBytes: config.SANDBOX_MEMORY_MB * MB,
    maxProcesses: config.SANDBOX_MAX_PROCESSES,
    maxFileBytes: config.SANDBOX_MAX_FILE_MB * MB,
    maxOpenFiles: config.SANDBOX_MAX_OPEN_FILES,
    tmpBytes: config.SANDBOX_TMP_MB * MB,
  };
}

// The soft CPU limit sends SIGXCPU (so the exit says why); the hard one, a little later, SIGKILL
// for a program that ignores it.
const CPU_HARD_GRACE_SECONDS = 5;

/**
 * prlimit's arguments for the limits. Memory is RLIMIT_DATA, not RLIMIT_AS: runtimes such as
 * Node and the JVM reserve far more address space than they use, and RLIMIT_DATA counts only
 * what is written to. The process count is per user, and each bubblewrap sandbox has its own
 * user namespace, so one session's fork bomb cannot use up another's.
 */
export function prlimitArgs(limits: SandboxLimits): string[] {
  return [
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + CPU_HARD_GRACE_SECONDS}`,
    `--data=${limits.memoryBytes}`,
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.maxFileBytes}`,
    `--nofile=${limits.maxOpenFiles}`,
    // No core dumps of sandboxed programs into the session folder.
    "--core=0",
  ];
}

const SIGXCPU_EXIT = 128 + 24;
const SIGXFSZ_EXIT = 128 + 25;

// What programs print when an allocation, a fork or an open fails under a limit.
const MEMORY_FAILURE = /Cannot allocate memory|MemoryError|out of memory|Failed to allocate memory|bad_alloc|memory exhausted|xmalloc: cannot allocate/i;
const FORK_FAILURE = /fork: (retry: )?Resource temporarily unavailable|can't fork|Cannot fork|BlockingIOError: \[Errno 11\]|spawn EAGAIN/i;
const OPEN_FILES_FAILURE = /Too many open files|EMFILE/;

/** The limit a finished command ran into, judged by its exit code and what it printed. */
export function detectLimitHit(run: { exitCode: number; output: { text: string } }, limits: SandboxLimits): SandboxLimitHit | null {
  const { exitCode, output } = run;
  if (exitCode === SIGXCPU_EXIT || /CPU time limit exceeded/.test(output.text)) {
    return hit("cpu", `the CPU time limit of ${limits.cpuSeconds} s per process (SANDBOX_CPU_SECONDS)`);
  }
  if (exitCode === SIGXFSZ_EXIT || /File size limit exceeded/.test(output.text)) {
    return hit("file_size", `the file size limit of ${limits.maxFileBytes / MB} MB (SANDBOX_MAX_FILE_MB)`);
  }
  if (exitCode === 0) return null;
  if (FORK_FAILURE.test(output.text)) return hit("processes", `the limit of ${limits.maxProcesses} processes (SANDBOX_MAX_PROCESSES)`);
  if (MEMORY_FAILURE.test(output.text)) return hit("memory", `the memory limit of ${limits.memoryBytes / MB} MB per process (SANDBOX_MEMORY_MB)`);
  if (OPEN_FILES_FAILURE.test(output.text)) return hit("open_files", `the limit of ${limits.maxOpenFiles} open files (SANDBOX_MAX_OPEN_FILES)`);
  return null;
}

function hit(limit: SandboxLimitHit["limit"], what: string): SandboxLimitHit {
  return { limit, message: `The command ran into the sandbox's ${what}.` };
}
