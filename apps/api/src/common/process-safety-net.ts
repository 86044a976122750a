/**
 * The API process's last resort for an error nothing else handled (an `error` event without a
 * listener, a rejected promise nobody awaited): log it, stop cleanly, exit non-zero.
 *
 * Why not keep running: such an error escaped the code that owned it, so whatever that code
 * held (a file descriptor, a half-written file, a stream, a lock) is in a state nobody knows,
 * and every later request would run on it. The API keeps no state of its own (Postgres and
 * Redis do; streams resume with Last-Event-ID, queued runs wait in the queue), so a restart by
 * the supervisor costs little. Errors of a request never come here: Nest turns those into that
 * request's answer (HttpExceptionFilter), and the stream sources are handled where they arise.
 */
import type { Logger } from "@mix/core";

export interface SafetyNetOptions {
  logger: Logger;
  /** The clean stop (what SIGTERM runs): in-flight requests may finish. */
  stop: () => Promise<void>;
  /** How long the clean stop may take before the process exits anyway. */
  graceMs: number;
  /** process.exit, and process itself, unless a test passes its own. */
  exit?: (code: number) => void;
  target?: NodeJS.EventEmitter;
}

export function installProcessSafetyNet({ logger, stop, graceMs, exit = (code) => process.exit(code), target = process }: SafetyNetOptions): void {
  let stopping = false;
  const fatal = (kind: "uncaughtException" | "unhandledRejection", error: unknown) => {
    logger.fatal({ err: error, kind }, `${kind}: an error nothing handled; stopping the process, whose state is no longer known`);
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      logger.error({ graceMs }, "the clean stop did not finish in time; exiting");
      exit(1);
    }, graceMs);
    stop().then(
      () => {
        clearTimeout(deadline);
        exit(1);
      },
      (stopError: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: stopError }, "the clean stop failed; exiting");
        exit(1);
      },
    );
  };
  target.on("uncaughtException", (error: Error) => fatal("uncaughtException", error));
  target.on("unhandledRejection", (reason: unknown) => fatal("unhandledRejection", reason));
}
