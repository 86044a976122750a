/**
 * The life of a long-running process (API, worker, MCP server): start it, stop it once on
 * SIGTERM or SIGINT, and exit with a readable message when it cannot start (a configuration
 * error names the variable; anything else prints its stack).
 */
import { ConfigError } from "../config/config";
import { stopTracing } from "../tracing/tracing-setup";

export type StopService = (signal: NodeJS.Signals) => Promise<void>;

export function runService(start: () => Promise<StopService>): void {
  start()
    .then((stop) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
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
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
      process.exit(1);
    });
}
