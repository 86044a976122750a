/** The `credentials` commands of `pnpm mix`: the encryption of the provider secrets workspaces store. */
import { rotateCredentials } from "@mix/core";
import type { CliCommand } from "../cli-command";

export const credentialsCommands: CliCommand[] = [
  {
    name: ["credentials", "rotate"],
    usage: "credentials rotate",
    summary: "Re-encrypts every stored provider secret under the newest key of CREDENTIALS_ENCRYPTION_KEYS (safe to run again)",
    options: [],
    async run(_values, _positionals, context) {
      const report = await rotateCredentials(context.application.infrastructure.prisma, context.config);
      const key = report.keyId === null ? "the key of CREDENTIALS_ENCRYPTION_KEY" : `key '${report.keyId}'`;
      context.out(`${report.scanned} stored credential(s) checked; now sealed under ${key}`);
      context.out(`re-encrypted: ${report.rotated} credential(s) (${report.secretsRotated} secret(s)); already current: ${report.current}`);
      if (report.skipped > 0) context.out(`changed meanwhile, left for the next run: ${report.skipped}`);
      for (const entry of report.unreadable) {
        context.out(`unreadable (left as it is): workspace ${entry.workspaceId}, provider ${entry.provider}: ${entry.reason}`);
      }
      // Reported, not thrown: the rest was rotated, and a caller's script still sees a failure.
      if (report.unreadable.length > 0) {
        throw new Error(
          `${report.unreadable.length} credential(s) could not be decrypted with any configured key; configure the key that sealed them and run again`,
        );
      }
    },
  },
];
