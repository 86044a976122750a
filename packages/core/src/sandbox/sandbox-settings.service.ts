/** A workspace's view of its sandbox: the deployment's driver and limits, and its own network choice. */
import type { PrismaClient } from "@mix/db";
import type { Config } from "../config/config";
import type { SandboxSettingsResponse, UpdateSandboxSettingsRequest } from "../contracts/sandbox";

export class SandboxSettingsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Config,
  ) {}

  async get(workspaceId: string): Promise<SandboxSettingsResponse> {
    const { sandboxNetwork } = await this.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { sandboxNetwork: true } });
    return this.view(sandboxNetwork);
  }

  /** Applies to the workspace's next command (a running command keeps the network it started with). */
  async set(workspaceId: string, request: UpdateSandboxSettingsRequest): Promise<SandboxSettingsResponse> {
    const { sandboxNetwork } = await this.prisma.workspace.update({
      where: { id: workspaceId },
      data: { sandboxNetwork: request.network },
      select: { sandboxNetwork: true },
    });
    return this.view(sandboxNetwork);
  }

  private view(network: SandboxSettingsResponse["network"]): SandboxSettingsResponse {
    const { config } = this;
    return {
      driver: config.SANDBOX_DRIVER,
      network,
      egressPorts: config.SANDBOX_EGRESS_PORTS,
      limits: {
        cpuSeconds: config.SANDBOX_CPU_SECONDS,
        memoryMb: config.SANDBOX_MEMORY_MB,
        maxProcesses: config.SANDBOX_MAX_PROCESSES,
        maxFileMb: config.SANDBOX_MAX_FILE_MB,
        maxOpenFiles: config.SANDBOX_MAX_OPEN_FILES,
        tmpMb: config.SANDBOX_TMP_MB,
      },
    };
  }
}
