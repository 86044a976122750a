/**
 * The Sandbox port: everything that runs a process for a session (the Bash tool, bash_script
 * callbacks, python_execution) goes through it. A driver decides how the process is confined;
 * callers say only what to run, where, for how long and with which network.
 */
import type { z } from "zod";
import type { SandboxNetworkSchema } from "../contracts/sandbox";
import type { FileOwner } from "../storage/file-owner";

/** "none": no network at all. "egress": public hosts only, through the worker's proxy. */
export type SandboxNetwork = z.infer<typeof SandboxNetworkSchema>;

/** The drivers there are; a container or microVM driver (runsc, a remote service) adds a name here. */
export type SandboxDriverName = "bubblewrap" | "none";

export interface SandboxCommand {
  /** The program (looked up on the sandbox's PATH) and its arguments. */
  argv: string[];
  /** The session folder on the worker's disk: the command's working folder and its only writable persistent one. */
  workdir: string;
  /** Variables of the tool itself, added to the environment the sandbox builds from scratch. */
  env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed; none means an empty input. */
  stdin?: string;
  network: SandboxNetwork;
  /** Wall-clock limit: past it the command and everything it started are killed. */
  timeoutMs: number;
  /** Most characters kept of each of `output`, `stdout` and `stderr`; the rest is counted, not kept. */
  maxOutputChars: number;
  /** Aborting kills the command; the run then resolves with `stoppedBy: "abort"` (it never rejects for it). */
  signal: AbortSignal;
  /** Output as it arrives, for callers that stream it. */
  onOutput?(stream: "stdout" | "stderr", text: string): void;
}

/** Text kept from one stream, and how many characters did not fit. */
export interface CapturedText {
  text: string;
  droppedChars: number;
}

/** A resource limit of the sandbox, as a setting names it. */
export type SandboxLimitName = "cpu" | "memory" | "processes" | "file_size" | "open_files";

export interface SandboxLimitHit {
  limit: SandboxLimitName;
  /** One sentence for the model and the user: which limit, its value, and the setting that raises it. */
  message: string;
}

export interface SandboxRun {
  /** stdout and stderr interleaved in the order they arrived. */
  output: CapturedText;
  stdout: CapturedText;
  stderr: CapturedText;
  /** The command's exit code; 128 + the signal number when a signal killed it. */
  exitCode: number;
  /** Why the command was killed before it finished by itself, if it was. */
  stoppedBy: "timeout" | "abort" | null;
  /** The resource limit the command ran into, when its exit or output shows one. */
  limitHit: SandboxLimitHit | null;
}

/** A command the sandbox could not start at all (driver missing, folder unusable); not the command's own failure. */
export class SandboxStartError extends Error {
  override name = "SandboxStartError";
}

export interface Sandbox {
  readonly driver: SandboxDriverName;
  /** Where the command sees its working folder (bubblewrap: one fixed path); null: the host path itself. */
  readonly workdirInside: string | null;
  /** Owner for files the server writes into a session folder; null when the server's user is right. */
  readonly fileOwner: FileOwner | null;
  /** Resolves when the command has ended and every process it started is gone. */
  run(command: SandboxCommand): Promise<SandboxRun>;
  /** Checks the driver works on this machine and starts what it needs (the egress proxy). */
  start(): Promise<void>;
  /** Stops what start() started; commands still running are killed. */
  close(): Promise<void>;
}
