/** `GET /api/system/info`: where this deployment keeps session files, for tools running beside it. */
import path from "node:path";
import { Controller, Get, Inject } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { SystemInfoResponse, type Config } from "@mix/core";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";
import { CONFIG } from "../core/config.token";

@ApiTags("System")
@Controller("api/system")
export class SystemController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get("info")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get system information",
    description: "The absolute path of the storage folder; session files live under `<storageBasePath>/<sessionId>/`.",
    operationId: "getSystemInfo",
  })
  @ApiZodResponse(200, SystemInfoResponse, "System information")
  @ApiErrors(401)
  info(): SystemInfoResponse {
    // Resolved against the working directory, as the blob store resolves it.
    return { storageBasePath: path.resolve(this.config.STORAGE_DIR) };
  }
}
