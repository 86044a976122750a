#!/usr/bin/env node
/**
 * The administration command line: `pnpm mix help` lists the commands. It needs DATABASE_URL
 * and REDIS_URL (revocations are announced to every running instance), as the API does.
 */
import { createLogger, loadConfig, openApplication } from "@mix/core";
import { runCli, type OpenContext } from "./run-cli";

const openContext: OpenContext = async (io) => {
  const config = loadConfig();
  // Stdout is the commands' answer; failures reach stderr as thrown errors.
  const application = openApplication(config, createLogger("mix", "silent"));
  return { context: { config, application, out: (line) => io.out(line) }, close: () => application.close() };
};

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

runCli(process.argv.slice(2), io, openContext).then(
  (code) => process.exit(code),
  (error: unknown) => {
    io.err(`mix: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
