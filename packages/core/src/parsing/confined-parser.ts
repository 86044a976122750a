/**
 * Native parsers of files nobody vouches for (pdftotext on a knowledge PDF, ffmpeg and
 * vipsthumbnail on a video or image to thumbnail) run in the sandbox, never as plain children of a server: a crafted file that
 * exploits one gets a scratch folder holding that file, no network, none of the server's
 * environment (its secrets), files or storage, under the sandbox's limits.
 *
 * The caller writes the input into a scratch folder and reads the outputs back; a runner runs the
 * program there: on a worker through a job (queued-parser-runner.ts, what the API and the MCP
 * server use), or in this process's own sandbox (the worker that takes those jobs).
 */
import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import { SandboxStartError, type Sandbox, type SandboxRun } from "../sandbox/sandbox";

/** The scratch folders' parent, beside the session folders (the sandbox user can reach it; commands never see it). */
export const PARSING_DIR = ".parsing";

// A parser's messages are kept for the error they explain, not its output (that is a file).
const MESSAGES_KEPT = 4_000;

export interface ParserCommand {
  /** Puts the input into the scratch folder, which is the command's working folder. */
  writeInput(dir: string): Promise<void>;
  /** Program and arguments; file names are relative to the working folder. A job runs only PARSER_PROGRAMS. */
  argv: string[];
  timeoutMs: number;
}

/** What a parser's run says of itself; its outputs are files in its folder. */
export type ParserRun = Pick<SandboxRun, "exitCode" | "stoppedBy" | "limitHit" | "stdout" | "stderr">;

/** Runs a parser in a scratch folder under the scratch root. */
export interface ParserRunner {
  run(command: { argv: ParserCommand["argv"]; workdir: string; timeoutMs: number }): Promise<ParserRun>;
  close(): Promise<void>;
}

/** A file the parser wrote, read back; "missing" also for anything that is not a plain file (a link it planted). */
export type ParserOutput = Buffer | "missing" | "too_large";

export interface ParserResult {
  run: ParserRun;
  output(name: string, maxBytes: number): Promise<ParserOutput>;
}

export class ConfinedParser {
  constructor(
    private readonly runner: ParserRunner,
    private readonly scratchRoot: string,
    private readonly logger: Pick<Logger, "error">,
  ) {}

  /** Runs the command in a fresh scratch folder, hands its run and outputs to `read`, then removes the folder. */
  async run<T>(command: ParserCommand, read: (result: ParserResult) => Promise<T>): Promise<T> {
    // The parent passable but not listable, as the sandbox user must reach its own folder in it.
    await mkdir(this.scratchRoot, { recursive: true, mode: 0o711 });
    const dir = path.join(this.scratchRoot, randomUUID());
    await mkdir(dir, { mode: 0o700 });
    try {
      await command.writeInput(dir);
      const run = await this.runner.run({ argv: command.argv, workdir: dir, timeoutMs: command.timeoutMs }).catch((error: unknown) => {
        if (!(error instanceof SandboxStartError)) throw error;
        // The why names this host's paths and users: the operator's log, not the client's answer.
        this.logger.error({ err: error }, "the sandbox for untrusted files' parsers could not start (see the README's Security section)");
        throw parsingUnavailable("its sandbox is not working here; the server's log says why");
      });
      return await read({ run, output: (name, maxBytes) => readOutput(dir, name, maxBytes) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}

/** 503: the file is fine, the server cannot read it now. */
export function parsingUnavailable(why: string): AppError {
  return new AppError(503, "internal_error", `This server cannot read uploaded files right now: ${why}`);
}

// libvips loads dozens of formats; the ones it does not vouch for (fuzzed less, rarely needed) stay off.
const PROGRAM_ENV: Record<string, Record<string, string>> = { vipsthumbnail: { VIPS_BLOCK_UNTRUSTED: "1" } };

/** A runner over a sandbox of this process: the worker's, which the parser jobs use. */
export function sandboxParserRunner(sandbox: Pick<Sandbox, "run" | "close">): ParserRunner {
  return {
    run: (command) =>
      sandbox.run({ ...command, env: PROGRAM_ENV[command.argv[0]!] ?? {}, network: "none", maxOutputChars: MESSAGES_KEPT, signal: neverAborted }),
    close: () => sandbox.close(),
  };
}

const neverAborted = new AbortController().signal;

/** The last line a parser printed on stderr, for an error message; its exit code when it printed none. */
export function parserMessage(run: ParserRun): string {
  return run.stderr.text.trim().split("\n").at(-1)?.slice(0, 300) || `exit code ${run.exitCode}`;
}

async function readOutput(dir: string, name: string, maxBytes: number): Promise<ParserOutput> {
  // The folder is the parser's: O_NOFOLLOW so a link it left never reads a server file, O_NONBLOCK
  // so a FIFO never hangs the open.
  const handle = await open(path.join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ELOOP") return null;
    throw error;
  });
  if (!handle) return "missing";
  try {
    const info = await handle.stat();
    if (!info.isFile()) return "missing";
    if (info.size > maxBytes) return "too_large";
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
