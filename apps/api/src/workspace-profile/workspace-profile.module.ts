/** `/api/workspace/profile`: the workspace profile. */
import { Module } from "@nestjs/common";
import { WorkspaceProfileController } from "./workspace-profile.controller";

@Module({ controllers: [WorkspaceProfileController] })
export class WorkspaceProfileModule {}
