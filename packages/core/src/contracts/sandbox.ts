/**
 * `/api/sandbox` (beyond the contract): how the workspace's agent commands are confined, and the
 * one setting a workspace chooses, whether they may reach public hosts.
 */
import { z } from "zod";

export const SandboxNetworkSchema = z
  .enum(["none", "egress"])
  .describe('"none": no network at all. "egress": public hosts only, through the worker\'s proxy (never loopback, private or metadata addresses)');

export const SandboxSettingsResponse = z.object({
  driver: z.enum(["bubblewrap", "none"]).describe('How commands are confined on the workers ("none": unconfined, unsafe)'),
  network: SandboxNetworkSchema,
  egressPorts: z.array(z.number().int()).describe("Destination ports reachable with egress"),
  limits: z
    .object({
      cpuSeconds: z.number().int(),
      memoryMb: z.number().int(),
      maxProcesses: z.number().int(),
      maxFileMb: z.number().int(),
      maxOpenFiles: z.number().int(),
      tmpMb: z.number().int(),
    })
    .describe("What every command may use; hitting a limit is a tool error that names it"),
});
export type SandboxSettingsResponse = z.infer<typeof SandboxSettingsResponse>;

export const UpdateSandboxSettingsRequest = z.strictObject({ network: SandboxNetworkSchema });
export type UpdateSandboxSettingsRequest = z.infer<typeof UpdateSandboxSettingsRequest>;
