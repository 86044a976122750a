/**
 * The life of a long-running process (API, worker, MCP server): start it, stop it once on
 * SIGTERM or SIGINT, and exit with a readable message when it cannot start (a configuration
 * error names the variable; anything else prints its stack).
 *
 * The signals are heard from the first moment, not once starting is done: a worker takes runs
 * before its last part is up, and a SIGTERM in between must drain them like any other, not kill
 * the process (the default action) with a run half done. Such a signal stops the process as soon
 * as it has started.
 */
import { ConfigError } from "../config/config";
import { stopTracing } from "../tracing/tracing-setup";

export type StopService = (signal: NodeJS.Signals) => Promise<void>;

export function runService(start: () => Promise<StopService>): void {
  let requested: NodeJS.Signals | undefined;
  let stopStarted: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) return;
    requested = signal;
    stopStarted?.(signal);
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  start()
    .then((stop) => {
      stopStarted = (signal) => {
        // Spans of the last moments are sent before the process exits (nothing to do when tracing is off).
        const stopped = stop(signal).finally(() => stopTracing().catch(() => undefined));
        stopped.then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`shutdown failed: ${(error as Error)?.stack ?? String(error)}\n`);
            process.exit(1);
          },
        );
      };
      if (requested) stopStarted(requested);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
      process.exit(1);
    });
}
